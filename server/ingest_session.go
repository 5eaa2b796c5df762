package server

import (
	"cmp"
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
)

// ingestQueue is how many received chunks a session holds for its parser
// besides the one being parsed; an INGEST.DATA past them waits. With the
// chunk being read into the request buffer, a session holds at most
// ingestQueue+2 chunks.
const ingestQueue = 2

// maxIngestErrors is how many rejected lines a report lists; it counts
// them all.
const maxIngestErrors = 100

// errConnClosed stops the load of a session whose connection closed.
var errConnClosed = errors.New("the connection closed before INGEST.END")

// An ingestSession is the INGEST under way on a connection: a goroutine
// runs an ingest.Loader over an ingest.Reader of the chunks that
// INGEST.DATA hands over. The connection's goroutine calls write, end and
// abort; the fields after done are the load goroutine's until done is
// closed.
type ingestSession struct {
	name   string
	srv    *Server
	chunks chan []byte // received, to parse; closed by end
	free   chan []byte // parsed, to reuse
	cancel context.CancelFunc
	done   chan struct{} // closed when the load has returned
	bytes  int64         // received so far

	loader ingest.Loader
	runs   runRecorder
	format ingest.Format
	stats  ingest.Stats
	errs   []string // the first maxIngestErrors rejected lines
	err    error    // what stopped the load, or nil
}

// startIngest starts the load of a session under the connection's
// context.
func (c *conn) startIngest(req ingestRequest) *ingestSession {
	ctx, cancel := context.WithCancel(c.ctx)
	s := &ingestSession{
		name: req.name, srv: c.srv, cancel: cancel, done: make(chan struct{}),
		chunks: make(chan []byte, ingestQueue), free: make(chan []byte, ingestQueue+2),
	}
	var r io.Reader = &chunkReader{ctx: ctx, s: s}
	if !req.binary {
		r = ingest.BinaryCheck(r)
	}
	rd := ingest.NewReader(r, req.name, req.opts)
	s.runs = runRecorder{db: c.srv.db, seen: map[runKey]struct{}{}}
	s.loader = ingest.Loader{DB: &s.runs, OnReject: s.reject}
	c.srv.stats.ingests.Add(1)
	go s.load(ctx, rd)
	return s
}

func (s *ingestSession) load(ctx context.Context, rd *ingest.Reader) {
	defer close(s.done)
	s.err = s.loader.Load(ctx, rd)
	s.format, s.stats = rd.Format(), rd.Stats()
	s.srv.stats.appended.Add(s.loader.Stored())
	s.srv.stats.ingests.Add(-1)
}

func (s *ingestSession) reject(le *ingest.LineError) {
	if len(s.errs) < maxIngestErrors {
		s.errs = append(s.errs, le.Error())
	}
}

// write hands a copy of b to the parser, waiting while it is behind. Once
// the load has stopped, it returns what stopped it.
func (s *ingestSession) write(b []byte) error {
	select {
	case <-s.done:
		return s.failure()
	default:
	}
	var buf []byte
	select {
	case buf = <-s.free:
	default:
	}
	buf = append(buf[:0], b...)
	select {
	case s.chunks <- buf:
		s.bytes += int64(len(b))
		return nil
	case <-s.done:
		return s.failure()
	}
}

// failure is the error of a load that stopped before the end of its
// stream.
func (s *ingestSession) failure() error {
	if s.err == nil {
		return errorf("BUG: the INGEST of %q stopped without an error", truncate(s.name, 64))
	}
	return s.err
}

// end ends the stream and waits until the load has stored every line.
func (s *ingestSession) end() {
	close(s.chunks)
	<-s.done
	s.cancel()
}

// abort stops the load, keeping what it has appended, and waits for its
// goroutine.
func (s *ingestSession) abort() {
	s.cancel()
	<-s.done
}

// abortIngest aborts the connection's session, if any, as it closes.
func (c *conn) abortIngest() {
	if c.ingest != nil {
		c.ingest.abort()
		c.ingest = nil
	}
}

// writeReport writes INGEST.END's reply; see its summary.
func (s *ingestSession) writeReport(w *Writer) {
	st := s.stats
	w.Array(26)
	for _, v := range []string{"name", s.name, "format", string(s.format)} {
		w.String(v)
	}
	for _, f := range []struct {
		name string
		n    int64
	}{{"lines", st.Lines}, {"with_time", st.WithTime}, {"with_level", st.WithLevel}, {"continued", st.Continued}} {
		w.String(f.name)
		w.Int(f.n)
	}
	w.String("layouts")
	names := make([]string, 0, len(st.Layouts))
	for name := range st.Layouts {
		names = append(names, name)
	}
	slices.Sort(names)
	w.Array(2 * len(names))
	for _, name := range names {
		w.String(name)
		w.Int(st.Layouts[name])
	}
	w.String("stored")
	w.Int(s.loader.Stored())
	w.String("runs")
	runs := s.runs.list()
	w.Array(2 * len(runs))
	for _, k := range runs {
		w.String(k.job)
		w.Int(int64(k.attempt))
	}
	w.String("rejected")
	w.Int(s.loader.Stats().Rejected)
	w.String("rejected_lines")
	w.Strings(s.errs...)
	w.String("bytes")
	w.Int(s.bytes)
	w.String("error")
	if s.err == nil {
		w.Nil()
	} else {
		w.Error(errorReply(s.err))
	}
}

// A chunkReader reads the chunks of a session as one stream.
type chunkReader struct {
	ctx context.Context
	s   *ingestSession
	cur []byte // what is left of the chunk being read
	buf []byte // … and all of it, to give back
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.buf != nil {
			select {
			case r.s.free <- r.buf:
			default:
			}
			r.buf = nil
		}
		select {
		case b, ok := <-r.s.chunks:
			if !ok {
				return 0, io.EOF
			}
			r.buf, r.cur = b, b
		case <-r.ctx.Done():
			return 0, errConnClosed
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// A runRecorder appends to the DB and records the runs appended to, for
// the report: a load's runs may be in several files, and the client counts
// each once.
type runRecorder struct {
	db   *engine.DB
	seen map[runKey]struct{}
	last runKey
}

// Options gives the Loader the DB's block sizes.
func (r *runRecorder) Options() engine.Options { return r.db.Options() }

func (r *runRecorder) AppendWith(ctx context.Context, opts engine.AppendOptions, entries ...engine.Entry) ([]int64, error) {
	lines, err := r.db.AppendWith(ctx, opts, entries...)
	if err != nil {
		return lines, err
	}
	// A batch's lines come run by run, so most lines are of the last run.
	for i := range entries {
		e := &entries[i]
		if e.Job == r.last.job && e.Attempt == r.last.attempt {
			continue
		}
		r.last = runKey{strings.Clone(e.Job), e.Attempt}
		r.seen[r.last] = struct{}{}
	}
	return lines, nil
}

// list returns the runs in order.
func (r *runRecorder) list() []runKey {
	ks := make([]runKey, 0, len(r.seen))
	for k := range r.seen {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b runKey) int {
		return cmp.Or(strings.Compare(a.job, b.job), cmp.Compare(a.attempt, b.attempt))
	})
	return ks
}

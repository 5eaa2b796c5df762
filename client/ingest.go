package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/logdb/logdb/ingest"
)

// IngestChunkBytes is the most bytes Ingest sends in one INGEST.DATA.
const IngestChunkBytes = 1 << 20

// ingestWindow is how many INGEST.DATA requests Ingest has in flight: it
// sends the next while the server parses the last, so the socket never
// idles; the server's replies pace it.
const ingestWindow = 4

// IngestOptions are the INGEST options: those of `logdb ingest` that
// decide how lines are parsed. The zero value of every field means its
// default.
type IngestOptions struct {
	// Name names the stream in rejected lines' errors and the report,
	// usually the file name. Required.
	Name string
	// Format is auto (default), json, logfmt or text.
	Format ingest.Format
	// Job is the run of lines that name none. Default Name.
	Job string
	// Attempt is the attempt of lines that name none: a number,
	// engine.Latest or -K, resolved on the server. Default 0.
	Attempt int
	// TimeFormat and Pattern are those of ingest.Options.
	TimeFormat, Pattern string
	// TZ is the zone of timestamps without one: UTC, an offset, or a
	// zone name. Default: the server's local zone.
	TZ string
	// MaxLineBytes is the longest line accepted; the server's limit if
	// lower. Default the server's.
	MaxLineBytes int
	// Binary ingests a stream that looks binary, which is refused
	// otherwise (see ingest.BinaryCheck).
	Binary bool
}

// args returns the INGEST request.
func (o IngestOptions) args() []string {
	args := []string{"INGEST", o.Name}
	add := func(name, v string) {
		if v != "" {
			args = append(args, name, v)
		}
	}
	add("FORMAT", string(o.Format))
	add("JOB", o.Job)
	if o.Attempt != 0 {
		add("ATTEMPT", attemptArg(o.Attempt))
	}
	add("TIMEFORMAT", o.TimeFormat)
	add("PATTERN", o.Pattern)
	add("TZ", o.TZ)
	if o.MaxLineBytes > 0 {
		add("MAXLINEBYTES", strconv.Itoa(o.MaxLineBytes))
	}
	if o.Binary {
		args = append(args, "BINARY")
	}
	return args
}

// An IngestReport is what the server found in an ingested stream.
type IngestReport struct {
	Name   string
	Format ingest.Format // the format read: with auto, the one chosen
	Stats  ingest.Stats  // as ingest.Reader.Stats
	Stored int64         // lines stored
	// Runs are the runs stored into, ordered by job and attempt.
	Runs []RunKey
	// Rejected counts the rejected lines; RejectedLines are the errors of
	// the first 100 ("app.log:17: invalid JSON: …").
	Rejected      int64
	RejectedLines []string
	Bytes         int64 // bytes the server received
}

// A RunKey names a run.
type RunKey struct {
	Job     string
	Attempt int
}

// Ingest sends the bytes of r to the server, which parses them as `logdb
// ingest` with opts would (INGEST), and returns the report once every
// line is durable. A rejected line does not stop the ingest: it is in the
// report. An error that stops it (the server's, such as a finished run,
// or reading r) is returned with the report so far when the server could
// give one: its Stored lines stay stored, for each run its first lines in
// r. A server without INGEST answers an error that matches
// ErrUnknownCommand, before anything of r is read.
func (c *Client) Ingest(ctx context.Context, r io.Reader, opts IngestOptions) (*IngestReport, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.connLocked(ctx); err != nil {
		return nil, err
	}
	w := c.cn
	v, err := w.roundTrip(ctx, opts.args())
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			c.drop()
		}
		return nil, err
	}
	chunk, ok := v.(int64)
	if !ok || chunk <= 0 {
		c.drop()
		return nil, fmt.Errorf("%w: INGEST answered %v", ErrProtocol, v)
	}
	rep, err := w.ingest(ctx, r, opts.Name, int(min(chunk, IngestChunkBytes)))
	if err != nil {
		var e *Error
		if rep == nil || !errors.As(err, &e) {
			// Mid-stream: closing the connection ends the session.
			c.drop()
		}
	}
	return rep, err
}

// drop closes the connection, which is in an unknown state.
func (c *Client) drop() {
	c.cn.nc.Close()
	c.cn = nil
}

// ingest streams r in chunks of up to size bytes, reading the replies on
// a second goroutine, then ends the stream.
func (w *wire) ingest(ctx context.Context, r io.Reader, name string, size int) (*IngestReport, error) {
	defer w.watch(ctx)()

	inflight := make(chan struct{}, ingestWindow)
	failed := make(chan struct{})
	var (
		replyErr error // the first reply's error; closes failed
		broken   bool  // … and it was the connection's: stop reading
		wg       sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range inflight {
			if broken {
				continue
			}
			_, err := readReply(w.br)
			if err == nil || replyErr != nil {
				continue
			}
			var e *Error
			replyErr, broken = err, !errors.As(err, &e)
			close(failed)
		}
	}()
	buf := make([]byte, size)
	var sent int64
	var err error
	for err == nil {
		if err = ctx.Err(); err != nil {
			break
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			select {
			case inflight <- struct{}{}:
				err = writeData(w.bw, buf[:n])
				sent += int64(n)
			case <-failed:
				err = errStopped
			}
		}
		switch {
		case rerr == io.EOF:
			rerr = nil
			if err == nil {
				err = io.EOF
			}
		case rerr != nil && err == nil:
			err = fmt.Errorf("cannot read %s: %w", name, rerr)
			close(inflight)
			wg.Wait()
			return nil, err
		}
	}
	close(inflight)
	wg.Wait()
	if err != io.EOF && err != errStopped {
		return nil, ioError(ctx, err)
	}
	if broken {
		return nil, ioError(ctx, replyErr)
	}
	var e *Error
	if err := writeCommand(w.bw, []string{"INGEST.END"}); err != nil {
		return nil, ioError(ctx, err)
	}
	v, err := readReply(w.br)
	if err != nil {
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, ioError(ctx, err)
	}
	rep, loadErr, err := ingestReport(v)
	if err != nil {
		return nil, err
	}
	if loadErr != nil {
		return rep, loadErr
	}
	if replyErr != nil {
		return rep, replyErr
	}
	if rep.Bytes != sent {
		return rep, fmt.Errorf("%w: the server received %d bytes of %d", ErrProtocol, rep.Bytes, sent)
	}
	return rep, nil
}

// errStopped ends the sending of a stream whose load stopped.
var errStopped = errors.New("client: the server stopped the ingest")

// writeData writes an INGEST.DATA request of b.
func writeData(w interface {
	io.Writer
	io.StringWriter
	Flush() error
}, b []byte) error {
	w.WriteString("*2\r\n$11\r\nINGEST.DATA\r\n$")
	w.WriteString(strconv.Itoa(len(b)))
	w.WriteString("\r\n")
	w.Write(b)
	w.WriteString("\r\n")
	return w.Flush()
}

// ingestReport reads INGEST.END's reply: the report, and the error that
// stopped the load, if any.
func ingestReport(v any) (*IngestReport, error, error) {
	m, err := fields(v)
	if err != nil {
		return nil, nil, err
	}
	rep := &IngestReport{
		Name:   str(m["name"]),
		Format: ingest.Format(str(m["format"])),
		Stats: ingest.Stats{
			Lines: num(m["lines"]), WithTime: num(m["with_time"]), WithLevel: num(m["with_level"]), Continued: num(m["continued"]),
		},
		Stored:   num(m["stored"]),
		Rejected: num(m["rejected"]),
		Bytes:    num(m["bytes"]),
	}
	layouts, _ := m["layouts"].([]any)
	for i := 0; i+1 < len(layouts); i += 2 {
		if rep.Stats.Layouts == nil {
			rep.Stats.Layouts = map[string]int64{}
		}
		rep.Stats.Layouts[str(layouts[i])] = num(layouts[i+1])
	}
	runs, _ := m["runs"].([]any)
	for i := 0; i+1 < len(runs); i += 2 {
		rep.Runs = append(rep.Runs, RunKey{Job: str(runs[i]), Attempt: int(num(runs[i+1]))})
	}
	lines, _ := m["rejected_lines"].([]any)
	for _, l := range lines {
		rep.RejectedLines = append(rep.RejectedLines, str(l))
	}
	var loadErr error
	if e, ok := m["error"].(*Error); ok {
		loadErr = e
	}
	return rep, loadErr, nil
}

package server

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
)

// The append commands store lines and answer the line number each got, in
// order. A request is all or nothing: if any line is rejected (invalid
// JSON, too long, a finished run) nothing of it is stored.
//
// An append, once its request has arrived whole, runs to the end even if
// the client hangs up or the server begins to shut down, and is answered;
// so an append is acknowledged or refused, never half-written.

// Appends are not counted by the rate limit: the limit is the read API's
// (GetInstanceLog allows 20 requests a second), and appends are bounded by
// the request size and batched by the group commit, so a shipper or
// `logdb --server … ingest` is not throttled to 20 batches a second.
func init() {
	register(
		&command{
			name: "APPEND", arity: -4, run: cmdAppendText, free: true,
			usage:   "APPEND job attempt line [line ...]",
			summary: "append text lines (an argument may hold several, one per \\n); time and level are detected as by logdb ingest",
		},
		&command{
			name: "APPENDJSON", arity: -4, run: cmdAppendJSON, free: true,
			usage:   "APPENDJSON job attempt json [json ...]",
			summary: "append JSON lines (time, level, msg, labels; job and attempt keys override the arguments)",
		},
		&command{
			name: "APPENDENTRIES", arity: -7, run: cmdAppendEntries, free: true,
			usage:   "APPENDENTRIES job attempt time level msg nlabels [name value ...] [job attempt time ...]",
			summary: "append exact entries (time: Unix ns or RFC 3339, 0 for now; level: name or \"\"; nlabels: n, or n:kinds with a letter per label, s string, n number, b boolean), as package client does",
		},
	)
}

func cmdAppendText(c *conn, args [][]byte) error {
	return c.appendLines(args, ingest.FormatText)
}

func cmdAppendJSON(c *conn, args [][]byte) error {
	return c.appendLines(args, ingest.FormatJSON)
}

// appendLines parses the lines of args[3:] with package ingest, as logdb
// ingest would read them from a file, and appends them.
func (c *conn) appendLines(args [][]byte, f ingest.Format) error {
	attempt, err := parseInt("attempt", args[2])
	if err != nil {
		return err
	}
	if attempt < 0 || attempt > 1<<31-1 {
		return errorf("attempt must be a number from 0, not %d", attempt)
	}
	// The arguments as one stream of lines; an argument that does not end
	// in a newline gets one.
	bufs := make(net.Buffers, 0, 2*len(args))
	for _, a := range args[3:] {
		bufs = append(bufs, a)
		if len(a) == 0 || a[len(a)-1] != '\n' {
			bufs = append(bufs, newline)
		}
	}
	r := ingest.NewReader(&bufs, "request", ingest.Options{
		Format: f, Job: string(args[1]), Attempt: int(attempt), MaxLineBytes: c.srv.opts.MaxLineBytes,
	})
	entries := make([]engine.Entry, 0, len(args)-3)
	for {
		e, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, ingest.ErrLineTooLong) {
				return codeError(codeTooLong, "%v (the limit is %d bytes); nothing was stored", err, c.srv.opts.MaxLineBytes)
			}
			return errorf("%v; nothing was stored", err)
		}
		entries = append(entries, e)
	}
	return c.appendEntries(entries)
}

var newline = []byte{'\n'}

// appendEntries appends and answers the line numbers.
func (c *conn) appendEntries(entries []engine.Entry) error {
	// Not under c.ctx: a client hanging up must not cut an append short.
	lines, err := c.srv.commits.append(entries)
	if err != nil {
		return err
	}
	c.srv.stats.appended.Add(int64(len(lines)))
	c.w.Array(len(lines))
	for _, n := range lines {
		c.w.Int(n)
	}
	return nil
}

func cmdAppendEntries(c *conn, args [][]byte) error {
	rest := args[1:]
	var entries []engine.Entry
	for len(rest) > 0 {
		if len(rest) < 6 {
			return errorf("entry %d is cut short: want job attempt time level msg nlabels [name value ...]", len(entries)+1)
		}
		e := engine.Entry{Job: string(rest[0]), Message: string(rest[4])}
		attempt, err := parseInt("attempt", rest[1])
		if err != nil {
			return err
		}
		if attempt < 0 || attempt > 1<<31-1 {
			return errorf("attempt must be a number from 0, not %d", attempt)
		}
		e.Attempt = int(attempt)
		if e.Time, err = parseTime("time", rest[2]); err != nil {
			return err
		}
		if len(rest[3]) > 0 {
			l, ok := engine.ParseLevel(string(rest[3]))
			if !ok {
				return errorf("entry %d: unknown level %q", len(entries)+1, truncate(string(rest[3]), 32))
			}
			e.Level = l
		}
		// nlabels is a count, or a count, a colon and a kind letter per
		// label (s string, n number, b boolean): 3:nbs.
		count, kinds, typed := bytes.Cut(rest[5], []byte(":"))
		n, err := parseInt("nlabels", count)
		if err != nil {
			return err
		}
		if n < 0 || 2*n > int64(len(rest)-6) {
			return errorf("entry %d: %d labels announced, %d arguments left", len(entries)+1, n, len(rest)-6)
		}
		if n > 0 {
			e.Labels = make(engine.Labels, n)
			for i := range e.Labels {
				e.Labels[i] = engine.Label{Name: string(rest[6+2*i]), Value: string(rest[7+2*i])}
			}
		}
		if typed && !e.Labels.SetKinds(string(kinds)) {
			return errorf("entry %d: label kinds %q are not a letter (s, n or b) per label", len(entries)+1, truncate(string(kinds), 32))
		}
		if len(e.Message) > c.srv.opts.MaxLineBytes {
			return codeError(codeTooLong, "entry %d is %d bytes, the limit is %d; nothing was stored", len(entries)+1, len(e.Message), c.srv.opts.MaxLineBytes)
		}
		entries = append(entries, e)
		rest = rest[6+2*n:]
	}
	return c.appendEntries(entries)
}

// parseTime reads Unix nanoseconds or an RFC 3339 time; 0 means now. what
// names the argument in the error.
func parseTime(what string, b []byte) (int64, error) {
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return n, nil
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return 0, errorf("bad %s %q (want Unix nanoseconds or RFC 3339)", what, truncate(string(b), 64))
	}
	return t.UnixNano(), nil
}

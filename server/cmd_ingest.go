package server

import (
	"errors"
	"strconv"
	"strings"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
	"github.com/logdb/logdb/query"
)

// The ingest commands parse a stream of raw log bytes on the server, with
// the same Reader and Loader as a local `logdb ingest`, so that a client
// sends a file as it is and the server does the work:
//
//	INGEST app.log FORMAT json      → :67108736 (the largest chunk)
//	INGEST.DATA <bytes>             → :1048576 (bytes received so far)
//	INGEST.DATA <bytes>             → :2097152
//	INGEST.END                      → the report, once every line is durable
//
// A chunk may end anywhere, in the middle of a line or of a UTF-8
// sequence: the chunks are one byte stream. A chunk's reply waits while
// the session's parser is behind (a few chunks per session), so a client
// that pipelines chunks is slowed to the server's pace, and a session
// holds a bounded amount of memory. One session runs per connection at a
// time.
//
// A rejected line (invalid JSON, too long) is counted and listed in the
// report and the rest is stored, as by a local ingest. An error that
// stops the load (a binary stream, a finished run, a full disk) is the
// reply of the next INGEST.DATA and is in the report of INGEST.END, which
// ends the session either way. If the connection closes before
// INGEST.END, what was appended stays stored, as when a local ingest is
// killed mid-way: for each run its first lines in the stream; lines the
// loader held back to fill a block are dropped.
func init() {
	register(
		&command{
			name: "INGEST", arity: -2, run: cmdIngest, free: true,
			usage: "INGEST name [FORMAT auto|json|logfmt|text] [JOB job] [ATTEMPT n|latest|-K] [TIMEFORMAT f] [PATTERN p] [TZ zone] [MAXLINEBYTES n] [BINARY]",
			summary: "start parsing a stream of raw log lines on the server as logdb ingest does (JOB defaults to name); " +
				"send it with INGEST.DATA, end it with INGEST.END; answers the largest chunk accepted. " +
				"A connection closed before INGEST.END keeps what was stored, as a local ingest killed mid-way",
		},
		&command{
			name: "INGEST.DATA", arity: 2, run: cmdIngestData, free: true,
			usage:   "INGEST.DATA bytes",
			summary: "the next bytes of the INGEST stream, cut anywhere; answers the bytes received so far, once the parser has room",
		},
		&command{
			name: "INGEST.END", arity: 1, run: cmdIngestEnd, free: true,
			usage: "INGEST.END",
			summary: "end the INGEST stream; answers, once every line is durable, a key/value array: name, format, lines, with_time, with_level, continued, " +
				"layouts, stored, runs (job attempt ...), rejected, rejected_lines (the first 100), bytes, error (nil, or what stopped the load)",
		},
	)
}

// An ingestRequest is what INGEST asks for.
type ingestRequest struct {
	name    string
	opts    ingest.Options // Attempt unresolved: see attempt
	attempt int            // a number, engine.Latest, or -K
	binary  bool
}

var ingestSpec = optionSpec{
	once:  []string{"FORMAT", "JOB", "ATTEMPT", "TIMEFORMAT", "PATTERN", "TZ", "MAXLINEBYTES"},
	flags: []string{"BINARY"},
}

// parseIngest reads the arguments of INGEST (after the command name). A
// line is at most maxLine bytes, whatever MAXLINEBYTES asks.
func parseIngest(args [][]byte, maxLine int) (ingestRequest, error) {
	if len(args) == 0 {
		return ingestRequest{}, errorf("INGEST needs a name")
	}
	req := ingestRequest{name: string(args[0])}
	if req.name == "" || strings.ContainsAny(req.name, "\x00\r\n") {
		return req, errorf("bad INGEST name %q (want a file name, without NUL or newline)", truncate(req.name, 64))
	}
	vals, err := ingestSpec.parse(args[1:])
	if err != nil {
		return req, err
	}
	opts := &req.opts
	opts.Job = req.name
	if v, ok := vals["JOB"]; ok {
		if v[0] == "" {
			return req, errorf("JOB must not be empty (without JOB, the name is the job)")
		}
		opts.Job = v[0]
	}
	if opts.Format, err = ingest.ParseFormat(first(vals["FORMAT"])); err != nil {
		return req, errorf("unknown format %q (want auto, json, logfmt or text)", truncate(first(vals["FORMAT"]), 64))
	}
	if v, ok := vals["ATTEMPT"]; ok {
		if req.attempt, err = parseAttempt([]byte(v[0])); err != nil {
			return req, err
		}
	}
	opts.MaxLineBytes = maxLine
	if v, ok := vals["MAXLINEBYTES"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n <= 0 {
			return req, errorf("MAXLINEBYTES must be a positive number, not %q", truncate(v[0], 64))
		}
		opts.MaxLineBytes = min(n, maxLine)
	}
	if v, ok := vals["TZ"]; ok {
		if opts.Location, err = query.ParseZone(v[0]); err != nil {
			return req, errorf("%v", err)
		}
	}
	opts.TimeFormat = first(vals["TIMEFORMAT"])
	opts.Pattern = first(vals["PATTERN"])
	_, req.binary = vals["BINARY"]
	if err := opts.Validate(); err != nil {
		return req, errorf("%s", strings.TrimPrefix(err.Error(), "ingest: "))
	}
	return req, nil
}

// first returns the first of vs, or "".
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func cmdIngest(c *conn, args [][]byte) error {
	if c.ingest != nil {
		return errorf("an INGEST of %q is under way on this connection; end it with INGEST.END first", truncate(c.ingest.name, 64))
	}
	req, err := parseIngest(args[1:], c.srv.opts.MaxLineBytes)
	if err != nil {
		return err
	}
	// The attempt as (*input).options in cmd/logdb resolves it.
	req.opts.Attempt = max(req.attempt, 0)
	if req.attempt < 0 {
		info, err := c.srv.db.Run(c.ctx, req.opts.Job, req.attempt)
		switch {
		case err == nil:
			req.opts.Attempt = info.Attempt
		case req.attempt == engine.Latest && errors.Is(err, engine.ErrRunNotFound):
			req.opts.Attempt = 0 // a new job's first run
		default:
			return err
		}
	}
	c.ingest = c.startIngest(req)
	// A chunk is one bulk string of a request with two arguments.
	c.w.Int(int64(c.srv.opts.MaxRequestBytes - len("INGEST.DATA")))
	return nil
}

func cmdIngestData(c *conn, args [][]byte) error {
	s := c.ingest
	if s == nil {
		return errorf("no INGEST under way on this connection (start one with INGEST name)")
	}
	if err := s.write(args[1]); err != nil {
		return err
	}
	c.w.Int(s.bytes)
	// Now, not once no request is buffered: a client that pipelines
	// chunks always has the next one arriving, and waits for this reply
	// to send more. An error here is the next flush's too.
	c.w.Flush()
	return nil
}

func cmdIngestEnd(c *conn, _ [][]byte) error {
	s := c.ingest
	if s == nil {
		return errorf("no INGEST under way on this connection (start one with INGEST name)")
	}
	c.ingest = nil
	s.end()
	s.writeReport(c.w)
	return nil
}

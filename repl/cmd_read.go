package repl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

// readState is where the last \read got to, for \next.
type readState struct {
	run    string // job/attempt, for notes
	cursor string
	count  int
}

func cmdRead(s *Shell, ctx context.Context, args string) error {
	f, err := fields(args)
	if err != nil {
		return err
	}
	if len(f) < 1 || len(f) > 4 {
		return fmt.Errorf(`usage: \read JOB [ATTEMPT [FROM [COUNT]]]`)
	}
	req := engine.ReadRequest{Job: f[0], Attempt: engine.Latest, From: 1, Count: s.pageLines()}
	if len(f) > 1 {
		if req.Attempt, err = parseAttempt(f[1]); err != nil {
			return err
		}
	}
	if len(f) > 2 {
		if req.From, err = strconv.ParseInt(f[2], 10, 64); err != nil || req.From < 1 {
			return fmt.Errorf("bad first line %q (want a line number from 1)", f[2])
		}
	}
	if len(f) > 3 {
		if req.Count, err = strconv.Atoi(f[3]); err != nil || req.Count < 1 {
			return fmt.Errorf("bad count %q (want a number of lines from 1)", f[3])
		}
	}
	return s.readPage(ctx, req)
}

func cmdNext(s *Shell, ctx context.Context, args string) error {
	if args != "" {
		return fmt.Errorf(`\next takes no arguments`)
	}
	if s.reading == nil {
		return fmt.Errorf(`nothing to continue: \read a run first`)
	}
	return s.readPage(ctx, engine.ReadRequest{Cursor: s.reading.cursor, Count: s.reading.count})
}

// pageLines is how many lines \read shows by default: what fits on the
// screen under a note, else 100.
func (s *Shell) pageLines() int {
	if h := s.height(); h > 0 {
		return max(10, h-4)
	}
	return 100
}

// readPage reads a page, shows it and remembers the cursor for \next.
func (s *Shell) readPage(ctx context.Context, req engine.ReadRequest) error {
	p, err := s.exec.ReadLines(ctx, req)
	if err != nil {
		return err
	}
	name := runName(p.Job, p.Attempt)
	s.reading = &readState{run: name, cursor: p.Cursor, count: req.Count}
	res := &result{complete: true, loc: s.Location}
	var buf bytes.Buffer
	var w io.Writer = &buf
	if !s.TTY {
		w = s.out
	}
	sk, err := s.newSink(w, sinkOptions{format: s.Format, loc: s.Location, stream: !s.TTY})
	if err != nil {
		return err
	}
	for i := range p.Entries {
		row := res.add(&query.Row{Kind: query.EntryRow, Entry: &p.Entries[i]})
		s.known.learn(row)
		if err := sk.write(row); err != nil {
			return err
		}
	}
	if err := sk.flush(); err != nil {
		return err
	}
	s.last = res
	if !s.TTY {
		return nil
	}
	var note strings.Builder
	if n := len(p.Entries); n > 0 {
		fmt.Fprintf(&note, "%s lines %d–%d of %d (%s)", name, p.Entries[0].Line, p.Entries[n-1].Line, p.LineCount, p.Status)
	} else {
		fmt.Fprintf(&note, "no more lines: %s has %d (%s)", name, p.LineCount, p.Status)
	}
	switch {
	case !p.IsEnd:
		note.WriteString(` · \next for more`)
	case p.Status == engine.Running:
		fmt.Fprintf(&note, ` · \next for new lines, \follow %s %d to tail it`, output.Escape(p.Job), p.Attempt)
	}
	fmt.Fprintln(&buf, s.dim(note.String()))
	return s.show(buf.Bytes())
}

// dim returns text dimmed when colours are on.
func (s *Shell) dim(text string) string {
	if s.Color {
		return sgrDim + text + sgrReset
	}
	return text
}

// parseAttempt reads "latest", a number from 0, or -K (K attempts before
// the latest), as logdb read --attempt does.
func parseAttempt(s string) (int, error) {
	if strings.EqualFold(s, "latest") {
		return engine.Latest, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1<<30 || n > 1<<30 {
		return 0, fmt.Errorf("bad attempt %q (want a number from 0, latest, or -K)", s)
	}
	return n, nil
}

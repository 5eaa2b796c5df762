package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

// followBacklog is how many stored lines \follow shows before the live
// ones, as tail -f does.
const followBacklog = 10

func cmdFollow(s *Shell, ctx context.Context, args string) error {
	if args == "" {
		return fmt.Errorf(`usage: \follow JOB [ATTEMPT] or \follow QUERY`)
	}
	if f, ok := runArgs(args); ok {
		attempt := engine.Latest
		if len(f) == 2 {
			attempt, _ = parseAttempt(f[1])
		}
		info, err := s.exec.Run(ctx, f[0], attempt)
		switch {
		case err == nil:
			return s.followRun(ctx, info)
		case len(f) == 2 || !errors.Is(err, engine.ErrRunNotFound):
			return err
		}
		// One word that names no job: a query for the word.
	}
	return s.followQuery(ctx, args)
}

// followQueryArg is the query of \follow, unless it names a run.
func followQueryArg(_ *Shell, args string) (string, bool) {
	if _, ok := runArgs(args); ok {
		return "", false
	}
	return args, true
}

// runArgs reports whether args could be JOB [ATTEMPT]: one or two words,
// the first no query syntax, the second an attempt.
func runArgs(args string) ([]string, bool) {
	f := strings.Fields(args)
	if len(f) < 1 || len(f) > 2 || strings.ContainsAny(f[0], `=<>!"()|`) || strings.HasPrefix(f[0], "-") ||
		strings.HasPrefix(f[0], "/") || f[0] == "NOT" || f[0] == "OR" || f[0] == "AND" {
		return nil, false
	}
	if len(f) == 2 {
		if _, err := parseAttempt(f[1]); err != nil {
			return nil, false
		}
	}
	return f, true
}

// followRun shows a run's last lines, then its new ones, until it ends
// and then its final state.
func (s *Shell) followRun(ctx context.Context, info engine.RunInfo) error {
	name := runName(info.Job, info.Attempt)
	from := max(1, info.Lines-followBacklog+1)
	s.note("following %s (%s, %d lines) · Ctrl-C stops", name, info.Status, info.Lines)
	ls, err := s.newLineStream(s.Location)
	if err != nil {
		return err
	}
	err = s.exec.Follow(ctx, engine.ReadRequest{Job: info.Job, Attempt: info.Attempt, From: from}, func(p *engine.Page) error {
		for i := range p.Entries {
			if err := ls.write(&p.Entries[i]); err != nil {
				return err
			}
		}
		return ls.flush()
	})
	if interrupted(ctx) && errors.Is(err, context.Canceled) {
		s.note("stopped following %s", name)
		return nil
	}
	if err != nil {
		return err
	}
	// Follow returns nil when the run has ended: say how.
	info, err = s.exec.Run(ctx, info.Job, info.Attempt)
	if err != nil {
		return err
	}
	w := s.out
	if !s.TTY {
		w = s.Err // a script's output is the lines alone
	}
	fmt.Fprintln(w, s.runEnd(info))
	return nil
}

// runEnd describes how a run ended: "build/3 failed · exit 2: compile
// error · 1234 lines in 3m12s".
func (s *Shell) runEnd(info engine.RunInfo) string {
	status := info.Status.String()
	if s.Color {
		status = statusColor(info.Status) + status + sgrReset
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", runName(info.Job, info.Attempt), status)
	if info.ExitCode != 0 || info.ExitMessage != "" {
		fmt.Fprintf(&b, " · exit %d", info.ExitCode)
		if info.ExitMessage != "" {
			fmt.Fprintf(&b, ": %s", output.Escape(info.ExitMessage))
		}
	}
	fmt.Fprintf(&b, " · %d lines", info.Lines)
	if info.Duration > 0 {
		fmt.Fprintf(&b, " in %v", info.Duration.Round(time.Millisecond))
	}
	return b.String()
}

// followQuery shows the last lines matching a filter, then new ones of any
// run, until Ctrl-C.
func (s *Shell) followQuery(ctx context.Context, src string) error {
	q, err := query.Parse(src)
	if err != nil {
		return err
	}
	if len(q.Pipes) > 0 {
		return fmt.Errorf(`\follow takes a filter without pipes (run the query with the pipes, or \refresh it)`)
	}
	s.note("following lines matching %s · Ctrl-C stops", q)
	ls, err := s.newLineStream(s.Location)
	if err != nil {
		return err
	}
	err = s.exec.Tail(ctx, q, s.queryOptions(), followBacklog, func(e *engine.Entry) error {
		if err := ls.write(e); err != nil {
			return err
		}
		return ls.flush()
	})
	if interrupted(ctx) && errors.Is(err, context.Canceled) {
		s.note("stopped following")
		return nil
	}
	return err
}

// A lineStream writes lines as they arrive. In table format each line is
// a row of the \columns, padded to the widest value seen so far (no
// header, no #); other formats go through package output.
type lineStream struct {
	s      *Shell
	w      io.Writer
	loc    *time.Location
	ow     output.Writer // nil for table
	widths []int
}

func (s *Shell) newLineStream(loc *time.Location) (*lineStream, error) {
	ls := &lineStream{s: s, w: s.out, loc: loc}
	if s.Format != "table" {
		ow, err := output.New(s.out, output.Options{Format: s.Format, Location: loc})
		if err != nil {
			return nil, err
		}
		ls.ow = ow
	}
	return ls, nil
}

func (ls *lineStream) write(e *engine.Entry) error {
	ls.s.known.learnLabels(e.Labels)
	if ls.ow != nil {
		return ls.ow.Write(&query.Row{Kind: query.EntryRow, Entry: e})
	}
	cells := ls.s.entryCells(e, ls.loc)
	if ls.widths == nil {
		ls.widths = make([]int, len(cells))
		for i, c := range ls.s.columns {
			if c == colLevel {
				ls.widths[i] = 5
			}
		}
	}
	var b strings.Builder
	used := 0
	for i, c := range cells {
		text := c.text
		last := i == len(cells)-1
		if i > 0 {
			b.WriteString("  ")
			used += 2
		}
		if last {
			if w := ls.s.width(); w > 0 && w-used >= 16 && runewidth.StringWidth(text) > w-used {
				text = runewidth.Truncate(text, w-used, "…")
			}
		}
		if ls.s.Color && c.color != "" && text != "" {
			b.WriteString(c.color + text + sgrReset)
		} else {
			b.WriteString(text)
		}
		if !last {
			tw := runewidth.StringWidth(text)
			ls.widths[i] = max(ls.widths[i], tw)
			b.WriteString(strings.Repeat(" ", ls.widths[i]-tw))
			used += ls.widths[i]
		}
	}
	_, err := io.WriteString(ls.w, strings.TrimRight(b.String(), " ")+"\n")
	return err
}

func (ls *lineStream) flush() error {
	if ls.ow != nil {
		return ls.ow.Flush()
	}
	return nil
}

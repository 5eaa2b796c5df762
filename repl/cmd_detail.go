package repl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

// detailNeighbours is how many lines \detail shows on each side.
const detailNeighbours = 2

// cmdDetail shows one line of the last result whole, like the console's
// detail pane: every field, all labels, the message as written (on as
// many lines as it has), then the lines around it in its run.
func cmdDetail(s *Shell, ctx context.Context, args string) error {
	n, err := lineNumberArg(args, `\detail N`)
	if err != nil {
		return err
	}
	e, err := s.last.entry(n)
	if err != nil {
		return err
	}
	info, err := s.exec.Run(ctx, e.Job, e.Attempt)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	field := func(name, value string) {
		fmt.Fprintf(&b, "%-8s %s\n", name, value)
	}
	t := time.Unix(0, e.Time)
	loc := s.last.loc
	if loc == nil {
		loc = s.Location
	}
	field("#", fmt.Sprintf("%d of %d", n, s.last.entries))
	when := t.In(loc).Format("2006-01-02 15:04:05.000000000 -07:00")
	if name, _ := t.In(loc).Zone(); name != "" && name[0] != '+' && name[0] != '-' {
		when += " " + name
	}
	if _, off := t.In(loc).Zone(); off != 0 {
		when += "  (" + t.UTC().Format(time.RFC3339Nano) + ")"
	}
	field("time", when)
	level := e.Level.String()
	if level == "" {
		level = "(none)"
	} else if s.Color {
		level = levelColor(e.Level) + level + sgrReset
	}
	field("level", level)
	status := info.Status.String()
	if s.Color {
		status = statusColor(info.Status) + status + sgrReset
	}
	field("run", fmt.Sprintf("%s, line %d of %d (%s)", runName(e.Job, e.Attempt), e.Line, info.Lines, status))
	if len(e.Labels) == 0 {
		field("labels", "(none)")
	}
	for i, l := range e.Labels {
		name := ""
		if i == 0 {
			name = "labels"
		}
		field(name, output.Escape(l.Name)+"="+output.Escape(l.Value))
	}
	msg := strings.Split(strings.TrimRight(e.Message, "\n"), "\n")
	for i, line := range msg {
		name := ""
		if i == 0 {
			name = "message"
		}
		field(name, output.Escape(strings.TrimSuffix(line, "\r")))
	}
	b.WriteByte('\n')
	from := max(1, e.Line-detailNeighbours)
	p, err := s.exec.ReadLines(ctx, engine.ReadRequest{Job: e.Job, Attempt: e.Attempt, From: from, Count: 2*detailNeighbours + 1})
	if err != nil {
		return err
	}
	for i := range p.Entries {
		ne := &p.Entries[i]
		mark := "  "
		if ne.Line == e.Line {
			mark = "> "
		}
		text := fmt.Sprintf("%s%*d  %-5s  %s", mark, len(strconv.FormatInt(from+int64(len(p.Entries)), 10)), ne.Line, ne.Level, output.Escape(ne.Message))
		if w := s.width(); w > 0 {
			text = runewidth.Truncate(text, w, "…") // the line itself is whole above
		}
		text = strings.TrimRight(text, " ")
		if s.Color && ne.Line != e.Line {
			text = sgrDim + text + sgrReset
		}
		b.WriteString(text)
		b.WriteByte('\n')
	}
	s.known.learnLabels(e.Labels)
	return s.show(b.Bytes())
}

// cmdContext shows K lines on each side of a line of the last result, in
// the current format, the line itself marked as a hit.
func cmdContext(s *Shell, ctx context.Context, args string) error {
	f, err := fields(args)
	if err != nil {
		return err
	}
	if len(f) < 1 || len(f) > 2 {
		return fmt.Errorf(`usage: \context N [K]`)
	}
	n, err := lineNumberArg(f[0], `\context N [K]`)
	if err != nil {
		return err
	}
	k := 5
	if len(f) == 2 {
		if k, err = strconv.Atoi(f[1]); err != nil || k < 0 || k > 10000 {
			return fmt.Errorf("bad number of lines %q (want 0 to 10000)", f[1])
		}
	}
	e, err := s.last.entry(n)
	if err != nil {
		return err
	}
	from := max(1, e.Line-int64(k))
	p, err := s.exec.ReadLines(ctx, engine.ReadRequest{Job: e.Job, Attempt: e.Attempt, From: from, Count: int(e.Line-from) + k + 1})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	var w io.Writer = &buf
	if !s.TTY {
		w = s.out
	}
	loc := s.last.loc
	sk, err := s.newSink(w, sinkOptions{format: s.Format, loc: loc, stream: !s.TTY, unnumbered: true})
	if err != nil {
		return err
	}
	for i := range p.Entries {
		row := &query.Row{Kind: query.EntryRow, Entry: &p.Entries[i], Context: p.Entries[i].Line != e.Line}
		if err := sk.write(row); err != nil {
			return err
		}
	}
	if err := sk.flush(); err != nil {
		return err
	}
	if !s.TTY {
		return nil
	}
	fmt.Fprintln(&buf, s.dim(fmt.Sprintf("%s lines %d–%d around line %d (#%d of the last result)",
		runName(e.Job, e.Attempt), from, from+int64(len(p.Entries))-1, e.Line, n)))
	return s.show(buf.Bytes())
}

// lineNumberArg reads the N of \detail N.
func lineNumberArg(arg, usage string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(arg), "#"))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("usage: %s, N the # of a line in the last result", usage)
	}
	return n, nil
}

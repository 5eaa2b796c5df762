package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/peterh/liner"

	"github.com/logdb/logdb/query"
)

// A Terminal reads the lines the user types. *liner.State is one (with
// line editing, history and completion on a terminal); NewLineReader gives
// one over any io.Reader, without prompts, for scripts; tests pass a
// scripted fake.
//
// Prompt returns io.EOF at the end of input and liner.ErrPromptAborted
// when the user pressed Ctrl-C at the prompt, which clears a statement
// being continued.
type Terminal interface {
	Prompt(prompt string) (string, error)
	AppendHistory(line string)
}

// The prompts: the first line of a statement, and its continuation lines
// (on an open quote or parenthesis, or a query that stops short, such as
// one ending in '|'). They have the same width, so continued text lines
// up.
const (
	promptFirst = "logdb> "
	promptMore  = "    …> "
)

// Shell is the logdb shell: it reads queries and \commands from a Terminal,
// runs them through an Executor and writes the results to an io.Writer.
// Create one with New, set the exported fields, then call Run once. A Shell
// is not safe for concurrent use; Complete may be called by the Terminal
// while Run waits in Prompt.
type Shell struct {
	// Err receives error messages. Default: the writer passed to New.
	Err io.Writer

	// TTY says that output goes to a person at a terminal. It makes table
	// the default format and MaxRows 1000, adds notes such as "(3 rows ·
	// 2.10ms)", and allows Color and the pager. Without it the shell prints
	// results alone, in raw format by default, so it scripts well.
	TTY bool

	// Color colours levels and run states (only with TTY). Leave it off for
	// NO_COLOR.
	Color bool

	// Pager is the shell command long results are piped through when the
	// pager is on (\pager) and a result is taller than the terminal: for
	// example $PAGER or "less -R". Empty: no pager. Only with TTY and Size.
	Pager string

	// Size returns the terminal's width and height in cells, or zeros when
	// unknown. With TTY, the last column of tables is cut to the width and
	// the height decides when to page. Nil: unknown.
	Size func() (width, height int)

	// Interrupt delivers Ctrl-C (SIGINT) while a command runs: it cancels
	// that command, not the shell. Nil: commands run until done or until
	// the context passed to Run is.
	Interrupt <-chan os.Signal

	// Location is the zone for times in queries and tables. Default
	// time.Local; \tz changes it.
	Location *time.Location

	// Format is the initial output format: raw, json, table or csv.
	// Default table with TTY, else raw; \format changes it.
	Format string

	// MaxRows is the most rows a query shows; 0 means 1000 with TTY and no
	// limit otherwise, a negative value no limit. \maxrows changes it.
	MaxRows int

	// Protect lists directories \export refuses to write in: the store's
	// data directory, whose files an export would destroy.
	Protect []string

	// Banner is printed before the first prompt, if not empty.
	Banner string

	exec Executor
	term Terminal
	out  io.Writer

	// State, used only by Run's goroutine (and Complete, which runs on it
	// while Prompt waits).
	columns  []string // table columns for lines (\columns)
	pagerOn  bool
	last     *result    // the last query or \read, for \detail, \context, \export
	reading  *readState // the last \read, for \next
	failures int
	quit     bool
	known    known // names seen, for completion
}

// New returns a shell that runs commands with exec, reads them from term
// and writes results to out.
func New(exec Executor, term Terminal, out io.Writer) *Shell {
	return &Shell{
		exec:    exec,
		term:    term,
		out:     out,
		columns: append([]string(nil), defaultColumns...),
		pagerOn: true,
	}
}

// Failures returns how many commands failed so far: a script's exit
// status.
func (s *Shell) Failures() int { return s.failures }

func (s *Shell) init() {
	if s.Err == nil {
		s.Err = s.out
	}
	if s.Location == nil {
		s.Location = time.Local
	}
	if s.Format == "" {
		s.Format = "raw"
		if s.TTY {
			s.Format = "table"
		}
	}
	if s.MaxRows == 0 && s.TTY {
		s.MaxRows = 1000
	}
	if !s.TTY {
		s.Color = false
	}
}

// Run reads and runs statements until the end of input or \quit, and then
// returns nil. It returns ctx's error if ctx is done, and the Terminal's
// error if reading fails. A failed command is reported on Err and counted
// (Failures); the shell carries on.
func (s *Shell) Run(ctx context.Context) error {
	s.init()
	if s.Banner != "" {
		fmt.Fprintln(s.out, s.Banner)
	}
	for !s.quit {
		if err := ctx.Err(); err != nil {
			return err
		}
		text, err := s.readStatement()
		if errors.Is(err, io.EOF) {
			if s.TTY {
				fmt.Fprintln(s.out)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		s.term.AppendHistory(strings.Join(strings.Fields(text), " "))
		s.execute(ctx, text)
	}
	return nil
}

// readStatement reads one statement: a line, continued on further lines
// while it needs more (see needsMore). Ctrl-C at a prompt drops what was
// typed so far. At the end of input an unfinished statement is returned as
// it is, to be reported.
func (s *Shell) readStatement() (string, error) {
	var lines []string
	for {
		prompt := promptFirst
		if len(lines) > 0 {
			prompt = promptMore
		}
		line, err := s.term.Prompt(prompt)
		if errors.Is(err, liner.ErrPromptAborted) {
			lines = nil
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) && len(lines) > 0 {
				return strings.Join(lines, "\n"), nil
			}
			return "", err
		}
		lines = append(lines, line)
		text := strings.Join(lines, "\n")
		if !s.needsMore(text) {
			return text, nil
		}
	}
}

// needsMore reports whether a statement continues on the next line: its
// query (or the query argument of a \command) has an unterminated quote,
// or ends before it is complete: an unclosed parenthesis, a trailing pipe,
// OR or NOT. The parser decides, so the shell and the language agree.
func (s *Shell) needsMore(text string) bool {
	src := text
	if name, args, ok := metaCommand(text); ok {
		c := commands[name]
		if c == nil || c.queryArg == nil {
			return false
		}
		if src, ok = c.queryArg(s, args); !ok {
			return false
		}
	}
	if strings.TrimSpace(src) == "" {
		return false
	}
	_, err := query.Parse(src)
	var pe *query.ParseError
	if !errors.As(err, &pe) {
		return false
	}
	if strings.HasPrefix(pe.Msg, "unterminated quoted string") {
		return true
	}
	atEnd := strings.TrimSpace(src[min(pe.Pos.Offset, len(src)):]) == ""
	return atEnd && strings.HasPrefix(pe.Msg, "unexpected end of query")
}

// metaCommand splits a \command line into its name and the rest.
func metaCommand(text string) (name, args string, ok bool) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, `\`) {
		return "", "", false
	}
	name, args, _ = strings.Cut(t, " ")
	if i := strings.IndexAny(name, "\t\n"); i >= 0 {
		name, args = name[:i], name[i:]+" "+args
	}
	if alias, ok := aliases[name]; ok {
		name = alias
	}
	return name, strings.TrimSpace(args), true
}

// errInterrupted is the cause of a command's context when the user
// pressed Ctrl-C.
var errInterrupted = errors.New("interrupted")

// execute runs one statement and reports its error.
func (s *Shell) execute(ctx context.Context, text string) {
	cctx, stop := s.commandContext(ctx)
	defer stop()
	var err error
	if name, args, ok := metaCommand(text); ok {
		c := commands[name]
		if c == nil {
			err = fmt.Errorf(`unknown command %s (\help lists them)`, name)
		} else {
			err = c.run(s, cctx, args)
		}
	} else {
		err = s.runQuery(cctx, text)
	}
	s.report(cctx, err)
}

// report prints err, if any, and counts it as a failure unless it is the
// user's Ctrl-C. Without TTY, with Err apart from the output, the output
// gets a line "error: " and the message's first line in its place.
func (s *Shell) report(ctx context.Context, err error) {
	if err == nil {
		return
	}
	if interrupted(ctx) && errors.Is(err, context.Canceled) {
		fmt.Fprintln(s.Err, "cancelled")
		return
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return // Run's context is done: Run returns its error
	}
	s.failures++
	prefix := "error: "
	if s.Color {
		prefix = sgrRed + "error:" + sgrReset + " "
	}
	fmt.Fprintf(s.Err, "%s%s\n", prefix, err)
	if !s.TTY && s.Err != s.out {
		// A script reads one answer per statement from the output: a
		// failed statement's is a marker line, so that the answers after
		// it stay in step. The whole message, caret and all, is on Err.
		msg, _, _ := strings.Cut(err.Error(), "\n")
		fmt.Fprintf(s.out, "error: %s\n", msg)
	}
}

// interrupted reports whether ctx, a command's context, was cancelled by
// Ctrl-C.
func interrupted(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errInterrupted)
}

// commandContext returns the context for one command: cancelled, with
// cause errInterrupted, when Interrupt delivers, so that Ctrl-C stops the
// command and not the shell.
func (s *Shell) commandContext(ctx context.Context) (context.Context, func()) {
	// A Ctrl-C that came between commands is stale.
	for drained := false; !drained; {
		select {
		case <-s.Interrupt:
		default:
			drained = true
		}
	}
	cctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		select {
		case <-s.Interrupt:
			cancel(errInterrupted)
		case <-done:
		}
	}()
	return cctx, func() {
		close(done)
		cancel(nil)
	}
}

// note prints a remark for the person at the terminal: a row count, a
// hint, the end of a run. Scripts do not get them.
func (s *Shell) note(format string, args ...any) {
	if s.TTY {
		msg := fmt.Sprintf(format, args...)
		if s.Color {
			msg = sgrDim + msg + sgrReset
		}
		fmt.Fprintln(s.out, msg)
	}
}

// width returns the terminal's width for cutting tables, 0 for none.
func (s *Shell) width() int {
	if !s.TTY || s.Size == nil {
		return 0
	}
	w, _ := s.Size()
	return w
}

// height returns the terminal's height, 0 if unknown.
func (s *Shell) height() int {
	if !s.TTY || s.Size == nil {
		return 0
	}
	_, h := s.Size()
	return h
}

// queryOptions are the options queries run with: the shell's zone and the
// time now, fixed so that a query can be run again over the same times.
func (s *Shell) queryOptions() query.Options {
	return query.Options{Location: s.Location, Now: time.Now()}
}

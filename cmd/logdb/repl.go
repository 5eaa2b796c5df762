package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"time"

	"golang.org/x/term"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/repl"
)

const replUsage = `usage: logdb repl [--dir DIR] [--query-memory SIZE] [--query-timeout D]

Opens the logdb shell on the data directory; 'logdb' alone does the same
when standard input and output are a terminal. Type a query in the filter
language ('logdb help query') or a \command; \help lists them:

  level>=Warn "connection reset" since=-1h     a table of the matching lines
  \detail 3                                    line #3 whole, with its labels
  \read build latest 1 50, then \next          a run page by page
  \follow build                                a run live until it ends
  \refresh 5s level=Error | count by job       a query every 5 seconds
  \export errors.csv                           the last result to a file

Tab completes commands, fields, levels, time presets and job names. A query
with an open quote or parenthesis, or a trailing |, continues on the next
line. Ctrl-C cancels a running query or follow, Ctrl-D or \quit leaves.

Without a terminal the shell reads one statement a line from standard input
and prints the results alone, in raw format unless \format says otherwise,
without prompts or colour. A statement that fails prints the line
"error: MESSAGE" in its place on standard output, so that the answers stay
in step with the statements, and the whole message on standard error; the
exit status is 1 if any statement failed:

  echo 'level=Error | count' | logdb repl
  logdb repl < checks.txt

Flags, for the shell's queries on the directory (through --server, the
server's limits apply):
` + queryLimitsHelp + `
Environment:
  LOGDB_HISTORY   the history file (default $XDG_STATE_HOME/logdb/history,
                  else ~/.local/state/logdb/history; "off" keeps none); it
                  holds the last 1000 statements
  PAGER           the pager for results taller than the screen (default
                  less -R; \pager off turns paging off)
  NO_COLOR        set to turn colours off
`

func init() {
	register(&command{name: "repl", summary: "the interactive shell (also: logdb alone on a terminal)", usage: replUsage, run: runRepl})
}

// isTerminal reports whether standard input and output are a terminal, so
// that 'logdb' alone opens the shell (see Main.Run) and the shell edits
// lines and prompts.
func (m *Main) isTerminal() bool {
	in, ok := m.Stdin.(*os.File)
	return ok && isTerminal(in) && isTerminal(m.Stdout)
}

// openExecutor opens what the shell, query -f, read and stats work on: the
// server with --server, else the directory. close closes it.
func openExecutor(ctx context.Context, g *globals, readOnly bool) (exec repl.Executor, close func() error, err error) {
	if g.server != "" {
		c, err := g.dial(ctx)
		if err != nil {
			return nil, nil, err
		}
		return &remoteExecutor{c: c}, c.Close, nil // see repl_remote.go
	}
	db, err := openDB(g, false, &engine.Options{ReadOnly: readOnly})
	if err != nil {
		return nil, nil, err
	}
	return repl.NewLocal(db), db.Close, nil
}

// storeDirs returns the directories the shell's \export must not write
// in: the data directory, or through a server on this machine (a loopback
// address) the one its INFO names.
func storeDirs(ctx context.Context, g *globals, exec repl.Executor) []string {
	if g.server == "" {
		return []string{g.dir}
	}
	r, ok := exec.(*remoteExecutor)
	if !ok || !loopback(r.c.Addr()) {
		return nil
	}
	info, err := r.c.Info(ctx)
	if err != nil || info["data_dir"] == "" {
		return nil
	}
	return []string{info["data_dir"]}
}

// loopback reports whether addr, host:port, names this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func runRepl(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("repl", g)
	var lim queryLimitFlags
	lim.define(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if err := lim.remoteOnly(fs, g); err != nil {
		return err
	}
	limits, err := lim.limits()
	if err != nil {
		return err
	}
	exec, closeExec, err := openExecutor(ctx, g, false)
	if err != nil {
		return err
	}
	defer closeExec()
	if g.server == "" {
		exec = &limitedExecutor{Executor: exec, limits: limits}
		m.raiseHeapLimit(memoryOf(limits))
	}
	protect := storeDirs(ctx, g, exec)
	if m.isTerminal() {
		return m.runTerminalShell(ctx, g, exec, protect)
	}
	sh := repl.New(exec, repl.NewLineReader(m.Stdin), m.Stdout)
	sh.Err = m.Stderr
	sh.Protect = protect
	if err := sh.Run(ctx); err != nil {
		return err
	}
	if sh.Failures() > 0 {
		return exitCode(exitError)
	}
	return nil
}

// runTerminalShell runs the shell with line editing, history, colours and
// the pager.
func (m *Main) runTerminalShell(ctx context.Context, g *globals, exec repl.Executor, protect []string) error {
	// main's signal.NotifyContext cancels ctx on the first Ctrl-C, which
	// would end the shell. Take SIGINT over so that it cancels only the
	// running command (Shell.Interrupt); SIGTERM still cancels ctx.
	signal.Reset(os.Interrupt)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)

	line := repl.NewLiner()
	defer line.Close()
	hist := m.historyPath()
	saveHistory := func() {
		if hist == "" {
			return
		}
		if err := repl.SaveHistory(line, hist); err != nil {
			fmt.Fprintf(m.Stderr, "logdb: %v\n", err)
		}
	}
	if hist != "" {
		if err := repl.LoadHistory(line, hist); err != nil {
			fmt.Fprintf(m.Stderr, "logdb: %v\n", err)
		}
	}
	defer saveHistory()

	out := m.Stdout.(*os.File)
	sh := repl.New(exec, line, out)
	line.SetWordCompleter(sh.Complete)
	sh.Err = m.Stderr
	sh.TTY = true
	sh.Protect = protect
	sh.Color = m.Getenv("NO_COLOR") == ""
	sh.Pager = m.Getenv("PAGER")
	if sh.Pager == "" {
		sh.Pager = "less -R"
	}
	sh.Size = func() (int, int) {
		w, h, err := term.GetSize(int(out.Fd()))
		if err != nil {
			return 0, 0
		}
		return w, h
	}
	sh.Interrupt = sigs
	sh.Banner = banner(ctx, g, exec)

	// At the prompt liner waits in a read that ctx cannot stop: on SIGTERM
	// give Run a moment to notice (if a command was running), else restore
	// the terminal, keep the history and leave.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		select {
		case <-done:
		case <-time.After(time.Second):
			line.Close()
			saveHistory()
			os.Exit(exitError)
		}
	}()
	return sh.Run(ctx)
}

// historyPath is $LOGDB_HISTORY, else repl.HistoryPath; "" for none.
func (m *Main) historyPath() string {
	switch p := m.Getenv("LOGDB_HISTORY"); p {
	case "off":
		return ""
	case "":
		p, err := repl.HistoryPath(m.Getenv)
		if err != nil {
			fmt.Fprintf(m.Stderr, "logdb: %v; the history is not kept\n", err)
			return ""
		}
		return p
	default:
		return p
	}
}

// banner greets the user with what the store holds: the directory's, or
// the server's ("logdb serve at ADDR") with --server.
func banner(ctx context.Context, g *globals, exec repl.Executor) string {
	runs, err := exec.Runs(ctx)
	if err != nil {
		return fmt.Sprintf("logdb shell on %s · \\help for help, \\quit or Ctrl-D to leave", g.where())
	}
	var lines int64
	for _, r := range runs {
		lines += r.Lines
	}
	return fmt.Sprintf("logdb shell on %s: %s, %s · \\help for help, \\quit or Ctrl-D to leave",
		g.where(), plural(int64(len(runs)), "run"), plural(lines, "line"))
}

// plural says "1 run", "2 runs".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Package repl is logdb's interactive shell: a database shell (psql,
// sqlite3) crossed with a log viewer (lnav, journalctl). Queries in the
// filter language show as tables with coloured levels; \commands read runs
// page by page, follow them live, re-run a query every few seconds, show
// one line whole and export results.
//
//	db, err := engine.Open("logdb-data", nil)
//	if err != nil { … }
//	defer db.Close()
//	line := repl.NewLiner()
//	defer line.Close()
//	sh := repl.New(repl.NewLocal(db), line, os.Stdout)
//	line.SetWordCompleter(sh.Complete)
//	sh.TTY, sh.Color = true, os.Getenv("NO_COLOR") == ""
//	err = sh.Run(ctx)
//
// For a script, pass repl.NewLineReader(os.Stdin) as the Terminal and
// leave TTY off: no prompts, no colour, results in raw format.
//
// # Basics
//
// Shell (repl.go) reads statements from a Terminal: *liner.State on a
// terminal, NewLineReader for scripts, a scripted fake in tests. A
// statement is a query, or a \command from the table in commands.go; a
// query with an open quote or parenthesis, or ending in '|', continues on
// the next line after a "…>" prompt. Errors are printed (a query's with a
// caret under the problem) and the shell carries on; Failures counts them
// for a script's exit status.
//
// The shell runs everything through an Executor (executor.go): Local
// (local.go) over an *engine.DB in this process, or a client of a logdb
// server. Results are written with package output (raw, json, csv) or as
// the shell's own tables (table.go), which number lines for \detail,
// colour levels, and cut the message to the terminal's width.
//
// Complete (complete.go) completes \commands, fields, level names, time
// presets, pipes, job ids and label names for liner. LoadHistory and
// SaveHistory keep the history under HistoryPath, capped at HistoryLimit
// lines.
//
// # Caveats
//
// A Shell is not safe for concurrent use: Run it once, from one goroutine.
// Ctrl-C while a command runs reaches the shell only through
// Shell.Interrupt; the caller must catch SIGINT (signal.Notify) so that it
// does not end the process, and must not cancel Run's context on it.
// Results on a terminal are held in memory until shown (to page them),
// bounded by MaxRows; scripts stream. The last result keeps at most 10,000
// rows for \detail and \export, which runs a longer query again.
package repl

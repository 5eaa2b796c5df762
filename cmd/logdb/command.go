package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/logdb/logdb/engine"
)

// Main runs the logdb command line with its standard streams and
// environment given, so that tests can run it in process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// A command is one subcommand: its name, a one-line summary, the usage
// text, and the function that runs it with the arguments after its name.
type command struct {
	name    string
	summary string
	usage   string
	run     func(m *Main, ctx context.Context, g *globals, args []string) error
}

// commands is the table of subcommands, in the order help lists them.
var commands []*command

func register(c *command) { commands = append(commands, c) }

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// globals are the flags every command accepts.
type globals struct {
	dir         string
	diskReserve diskReserveFlag // --disk-reserve: see diskreserve.go
	remote                      // --server, --auth-token, --tls-ca: see remote.go
	stderr      io.Writer       // where a read-only store's warnings go
}

func (m *Main) defaultDir() string {
	if d := m.Getenv("LOGDB_DIR"); d != "" {
		return d
	}
	return "./logdb-data"
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed, or some input was rejected
	exitUsage = 2 // bad flags or arguments
)

// usageError marks an error in how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// exitCode carries a non-zero exit status for a command that has already
// printed what went wrong.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// Run runs the command line args (without the program name) and returns the
// exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	g := &globals{dir: m.defaultDir(), remote: m.defaultRemote(), stderr: m.Stderr}
	// Global flags before the command name.
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		switch name {
		case "h", "help":
			m.printHelp(m.Stdout)
			return exitOK
		case "dir", "d", "server", "auth-token", "tls-ca", "disk-reserve":
			if !hasValue {
				if len(args) < 2 {
					fmt.Fprintf(m.Stderr, "logdb: flag --%s needs a value\n", name)
					return exitUsage
				}
				value, args = args[1], args[1:]
			}
			if name == "disk-reserve" {
				if err := g.diskReserve.Set(value); err != nil {
					fmt.Fprintf(m.Stderr, "logdb: --disk-reserve: %v\n", err)
					return exitUsage
				}
			} else {
				*g.valueFlag(name) = value
			}
			args = args[1:]
		case "version":
			args = []string{"version"}
		default:
			fmt.Fprintf(m.Stderr, "logdb: unknown flag %s\nRun 'logdb help' for usage.\n", args[0])
			return exitUsage
		}
	}
	if len(args) == 0 && m.isTerminal() {
		args = []string{"repl"} // on a terminal, logdb alone opens the shell: see repl.go
	}
	if len(args) == 0 {
		m.printHelp(m.Stderr)
		return exitUsage
	}
	name := args[0]
	if name == "help" {
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				fmt.Fprint(m.Stdout, c.usage)
				return exitOK
			}
			fmt.Fprintf(m.Stderr, "logdb: unknown command %q\n", args[1])
			return exitUsage
		}
		m.printHelp(m.Stdout)
		return exitOK
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(m.Stderr, "logdb: unknown command %q\nRun 'logdb help' for the commands.\n", name)
		return exitUsage
	}
	err := c.run(m, ctx, g, args[1:])
	var ue *usageError
	var ec exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(m.Stdout, c.usage)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "logdb %s: %s\nRun 'logdb help %s' for usage.\n", c.name, ue.msg, c.name)
		return exitUsage
	case errors.As(err, &ec):
		return int(ec)
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(m.Stderr, "logdb %s: interrupted\n", c.name)
		return exitError
	}
	fmt.Fprintf(m.Stderr, "logdb %s: %v\n", c.name, err)
	return exitError
}

func (m *Main) printHelp(w io.Writer) {
	fmt.Fprint(w, `logdb is an embedded database for run logs: the lines that jobs, scheduled
tasks, pipelines, API calls and functions write.

Usage:

	logdb [--dir DIR | --server ADDR] <command> [arguments]

The commands are:

`)
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
The data directory is --dir, else $LOGDB_DIR, else ./logdb-data. With
--server ADDR (or $LOGDB_SERVER), every command but serve, compact,
reindex and demo talks to a 'logdb serve' there instead, which owns the
directory ('logdb help serve'). Writes leave --disk-reserve SIZE of the
disk free (default 128MiB) and are refused with "disk full" below it;
they resume by themselves once space is freed. A damaged store is never
read as if it were whole: reads print the intact lines and then name the
lines they could not read ('logdb help verify').
Run 'logdb help <command>' or 'logdb <command> --help' for more.

Examples:

	logdb ingest --job build build.log
	logdb query 'level>=Warn "connection reset" since=-1h'
	logdb read --job build --from 100 --count 20
	logdb runs status=failed since=-1d '| sort by duration desc'
	logdb tail build                 # follow its latest run until it ends
`)
}

// newFlagSet returns a FlagSet for a command that reports errors as usage
// errors instead of printing, with the global flags defined.
func newFlagSet(name string, g *globals) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&g.dir, "dir", g.dir, "data directory")
	fs.Var(&g.diskReserve, "disk-reserve", "free space writes leave on the disk")
	g.remote.define(fs)
	return fs
}

// parseArgs parses flags and positional arguments in any order. An argument
// that starts with '-' but names no flag of fs is positional, so that
// queries such as "-timeout" need no quoting tricks; "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			return append(pos, args[1:]...), nil
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			return nil, flag.ErrHelp
		}
		f := fs.Lookup(name)
		if !strings.HasPrefix(a, "-") || a == "-" || f == nil {
			pos = append(pos, a)
			args = args[1:]
			continue
		}
		n := 1
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !hasValue && !(ok && b.IsBoolFlag()) {
			if len(args) < 2 {
				return nil, usagef("flag -%s needs a value", name)
			}
			n = 2
		}
		if err := fs.Parse(args[:n]); err != nil {
			return nil, usagef("%v", err)
		}
		args = args[n:]
	}
	return pos, nil
}

// isSet reports whether the command line set the flag.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// noArgs fails for commands that take no positional arguments.
func noArgs(pos []string) error {
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// openDB opens the data directory. Unless create is set, a missing
// directory is an error rather than a new, empty store. With --server the
// server owns the directory, so a command that needs the directory itself
// (rather than going through the server) is refused.
func openDB(g *globals, create bool, opts *engine.Options) (*engine.DB, error) {
	if g.server != "" {
		return nil, fmt.Errorf("this command works on a data directory, not through a server (--server or $LOGDB_SERVER is %s): run it with --dir where the directory is, while logdb serve is stopped", g.server)
	}
	if !create {
		if _, err := os.Stat(g.dir); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no data directory at %s (ingest something first, or pass --dir)", g.dir)
		}
	}
	if opts != nil && opts.ReadOnly {
		// A command that reads once: what would make its answer slow
		// (an index it cannot use) is worth saying.
		opts.Logger = warnLogger(g.stderr)
	}
	db, err := engine.Open(g.dir, g.diskReserve.apply(opts))
	if errors.Is(err, engine.ErrNeedsWrite) {
		// A new store, or one a killed process left: open it for
		// writing, which recovers it, and read it so.
		rw := *opts
		rw.ReadOnly = false
		db, err = engine.Open(g.dir, g.diskReserve.apply(&rw))
	}
	if errors.Is(err, engine.ErrLocked) {
		return nil, fmt.Errorf("%w (if it is logdb serve, go through it: --server ADDR or $LOGDB_SERVER)", err)
	}
	return db, err
}

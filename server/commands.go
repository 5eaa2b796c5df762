package server

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A command is one entry of the command table.
type command struct {
	name string
	// arity counts the arguments with the command name, as Redis does:
	// N means exactly N, -N at least N.
	arity   int
	usage   string // the arguments, for HELP and arity errors
	summary string
	run     func(c *conn, args [][]byte) error

	noAuth     bool // allowed before AUTH
	pubsub     bool // allowed while following (subscribe mode)
	free       bool // not counted by the rate limit
	ownsWriter bool // takes wmu itself (it waits for followers)
}

// commands is the command table, by upper-case name. It is filled in by
// init functions of the cmd_*.go files.
var commands = map[string]*command{}

func register(cs ...*command) {
	for _, c := range cs {
		if commands[c.name] != nil {
			panic("server: BUG: command " + c.name + " registered twice")
		}
		commands[c.name] = c
	}
}

func init() {
	register(&command{
		name: "HELP", arity: -1, usage: "HELP [command]", noAuth: true, pubsub: true,
		summary: "list the commands, or show one",
		run:     cmdHelp,
	})
}

// cmdHelp answers HELP with one line per command, or the lines of one.
func cmdHelp(c *conn, args [][]byte) error {
	var names []string
	if len(args) > 1 {
		for _, a := range args[1:] {
			n := strings.ToUpper(string(a))
			if commands[n] == nil {
				return errorf("unknown command '%s'", truncate(string(a), 64))
			}
			names = append(names, n)
		}
	} else {
		for n, cmd := range commands {
			if cmd.summary != "" {
				names = append(names, n)
			}
		}
		sort.Strings(names)
	}
	c.w.Array(len(names))
	for _, n := range names {
		cmd := commands[n]
		c.w.String(cmd.usage + " -- " + cmd.summary)
	}
	return nil
}

// Argument helpers.

// parseInt reads a decimal integer argument.
func parseInt(what string, b []byte) (int64, error) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, errorf("%s must be an integer, not %q", what, truncate(string(b), 64))
	}
	return n, nil
}

// options reads keyword arguments: NAME value pairs, names ignoring case,
// each name at most once. It returns the values by upper-case name.
func options(args [][]byte, known ...string) (map[string]string, error) {
	vals, err := optionSpec{once: known}.parse(args)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(vals))
	for name, v := range vals {
		out[name] = v[0]
	}
	return out, nil
}

// An optionSpec names the keyword arguments a command takes, in upper
// case: once take a value and may be given once, many take a value and may
// be given any number of times (START's LABEL, GC's RULE), flags take no
// value (GC's DRYRUN).
type optionSpec struct {
	once, many, flags []string
}

// parse reads args, names ignoring case, and returns the values given by
// upper-case name, in order; a flag's value is "".
func (spec optionSpec) parse(args [][]byte) (map[string][]string, error) {
	out := map[string][]string{}
	for i := 0; i < len(args); i++ {
		name := strings.ToUpper(string(args[i]))
		switch {
		case slices.Contains(spec.many, name):
		case slices.Contains(spec.once, name), slices.Contains(spec.flags, name):
			if _, dup := out[name]; dup {
				return nil, errorf("option %s given twice", name)
			}
		default:
			return nil, errorf("unknown option %q (want %s)", truncate(string(args[i]), 64), strings.Join(spec.names(), ", "))
		}
		if slices.Contains(spec.flags, name) {
			out[name] = []string{""}
			continue
		}
		if i+1 == len(args) {
			return nil, errorf("option %s needs a value", name)
		}
		out[name] = append(out[name], string(args[i+1]))
		i++
	}
	return out, nil
}

// has reports whether arg names one of spec's options.
func (spec optionSpec) has(arg []byte) bool {
	return slices.Contains(spec.names(), strings.ToUpper(string(arg)))
}

func (spec optionSpec) names() []string {
	return slices.Concat(spec.once, spec.many, spec.flags)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// quoteArgs shows the first arguments of a request in an error, as Redis
// does for unknown commands.
func quoteArgs(args [][]byte) string {
	var b strings.Builder
	for i, a := range args {
		if i == 3 {
			b.WriteString("…")
			break
		}
		b.WriteString("'")
		b.WriteString(truncate(string(a), 32))
		b.WriteString("' ")
	}
	return strings.TrimSpace(b.String())
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func formatRate(r float64) string { return strconv.FormatFloat(r, 'f', -1, 64) }

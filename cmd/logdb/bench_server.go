package main

import (
	"context"
	"flag"
	"io"
	"strings"
	"time"

	"github.com/logdb/logdb/bench"
)

// serverBenchArgs reports whether a bench command line asks for the server
// benchmark (--server, or --server ADDR for a running server), and returns
// the arguments without it and the address, if any.
func serverBenchArgs(args []string) (rest []string, addr string, ok bool) {
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || name != "server" {
			rest = append(rest, args[i])
			continue
		}
		ok = true
		switch {
		case hasValue:
			addr = value
		case i+1 < len(args) && !strings.HasPrefix(args[i+1], "-"):
			addr = args[i+1]
			i++
		}
	}
	return rest, addr, ok
}

// benchServer runs `logdb bench --server`.
func (m *Main) benchServer(ctx context.Context, g *globals, args []string, addr string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := bench.ServerOptions{Addr: addr, Token: g.token, Log: m.Stderr}
	fs.IntVar(&o.Clients, "clients", 8, "")
	fs.IntVar(&o.Batch, "batch", 100, "")
	fs.IntVar(&o.Lines, "lines", 200_000, "")
	fs.IntVar(&o.Readers, "readers", 4, "")
	fs.IntVar(&o.ReadCount, "read-count", 100, "")
	fs.IntVar(&o.Followers, "followers", 2, "")
	fs.DurationVar(&o.Time, "time", 3*time.Second, "")
	fs.StringVar(&g.token, "auth-token", g.token, "")
	out := fs.String("o", "table", "")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	o.Token = g.token
	if err := o.Validate(); err != nil {
		return usagef("%v", err)
	}
	switch *out {
	case "table", "json", "gobench":
	default:
		return usagef("unknown output format %q (want table, json or gobench)", *out)
	}
	rep, err := bench.RunServer(ctx, o)
	if err != nil {
		return err
	}
	switch *out {
	case "json":
		return rep.WriteJSON(m.Stdout)
	case "gobench":
		return rep.WriteGobench(m.Stdout)
	}
	return rep.WriteTable(m.Stdout)
}

package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
)

// remote holds the flags that make query, read, ingest and stats talk to a
// logdb server (logdb serve) through package client instead of opening the
// data directory, which the server owns.
type remote struct {
	server string // --server, $LOGDB_SERVER: host:port, or tls://host:port
	token  string // --auth-token, $LOGDB_TOKEN (also the token of logdb serve)
	tlsCA  string // --tls-ca, $LOGDB_TLS_CA: CA certificate(s) to trust; implies TLS
}

func (m *Main) defaultRemote() remote {
	return remote{server: m.Getenv("LOGDB_SERVER"), token: m.Getenv("LOGDB_TOKEN"), tlsCA: m.Getenv("LOGDB_TLS_CA")}
}

// valueFlag returns the global that a flag before the command name sets.
func (g *globals) valueFlag(name string) *string {
	switch name {
	case "server":
		return &g.server
	case "auth-token":
		return &g.token
	case "tls-ca":
		return &g.tlsCA
	}
	return &g.dir
}

// define adds the flags to a command's flag set, so that they may also
// follow the command name.
func (r *remote) define(fs *flag.FlagSet) {
	fs.StringVar(&r.server, "server", r.server, "")
	fs.StringVar(&r.token, "auth-token", r.token, "")
	fs.StringVar(&r.tlsCA, "tls-ca", r.tlsCA, "")
}

// dial connects to the server.
func (r *remote) dial(ctx context.Context) (*client.Client, error) {
	addr := r.server
	opts := &client.Options{Token: r.token}
	if rest, ok := strings.CutPrefix(addr, "tls://"); ok {
		addr = rest
		opts.TLSConfig = &tls.Config{}
	}
	if r.tlsCA != "" {
		pem, err := os.ReadFile(r.tlsCA)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", r.tlsCA)
		}
		opts.TLSConfig = &tls.Config{RootCAs: pool}
	}
	return client.Dial(ctx, addr, opts)
}

// readPage reads a page of a run's lines, from the server or the
// directory.
func readPage(ctx context.Context, g *globals, req engine.ReadRequest) (*engine.Page, error) {
	exec, closeExec, err := openExecutor(ctx, g, true)
	if err != nil {
		return nil, err
	}
	defer closeExec()
	return exec.ReadLines(ctx, req)
}

// storeStats returns the store's figures, from the server or the
// directory.
func storeStats(ctx context.Context, g *globals) (engine.Stats, error) {
	exec, closeExec, err := openExecutor(ctx, g, true)
	if err != nil {
		return engine.Stats{}, err
	}
	defer closeExec()
	return exec.Stats(ctx)
}

// where names the store for stats: the directory, or the server.
func (g *globals) where() string {
	if g.server != "" {
		return "logdb serve at " + g.server
	}
	return g.dir
}

// ingestRemote is logdb ingest through a server: each input's bytes go
// to the server as they are (client.Ingest, INGEST), and the server parses
// them with the same options as a local ingest would, storing them as it
// does. An older server without INGEST gets the lines parsed here
// (ingestEntries).
func (m *Main) ingestRemote(ctx context.Context, g *globals, inputs []*input, opts ingest.Options, job string, att int, binary bool) error {
	c, err := g.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	start := time.Now()
	var (
		reports  []fileReport
		stored   int64
		rejected rejectPrinter
		runs     = map[client.RunKey]struct{}{}
	)
	for i, in := range inputs {
		rep, err := c.Ingest(ctx, in, client.IngestOptions{
			Name: in.name, Format: opts.Format, Job: in.job(job), Attempt: att,
			TimeFormat: opts.TimeFormat, Pattern: opts.Pattern, TZ: zoneName(opts.Location),
			MaxLineBytes: opts.MaxLineBytes, Binary: binary,
		})
		if i == 0 && errors.Is(err, client.ErrUnknownCommand) {
			if !binary {
				checkBinary(inputs)
			}
			return m.ingestEntries(ctx, g, c, inputs, opts, job, att)
		}
		if rep != nil {
			rejected.print(m.Stderr, rep.Rejected, rep.RejectedLines)
			stored += rep.Stored
			for _, k := range rep.Runs {
				runs[k] = struct{}{}
			}
		}
		var refused *client.Error
		if err != nil && rep == nil && !errors.As(err, &refused) {
			// The stream broke off: the server kept what it had
			// appended, and cannot say how much.
			return fmt.Errorf("%w; the lines the server stored before stay stored and durable, each run's first lines in the input", appendError(in.name, err))
		}
		if err != nil {
			return loadError(in.name, err, stored)
		}
		reports = append(reports, fileReport{in.name, rep.Format, rep.Stats})
	}
	return m.remoteDone(g, start, reports, stored, len(runs), rejected.n)
}

// remoteDone prints the reports and the final line of an ingest through a
// server.
func (m *Main) remoteDone(g *globals, start time.Time, reports []fileReport, stored int64, runs int, rejected int64) error {
	total := time.Since(start)
	printReports(m.Stderr, reports)
	fmt.Fprintf(m.Stderr, "ingested %s into %s in %v (%.0f lines/s) through %s",
		plural(stored, "line"), plural(int64(runs), "run"), total.Round(time.Millisecond), float64(stored)/total.Seconds(), g.server)
	if rejected > 0 {
		fmt.Fprintf(m.Stderr, "; %s rejected\n", plural(rejected, "line"))
		return exitCode(exitError)
	}
	fmt.Fprintln(m.Stderr)
	return nil
}

// A rejectPrinter prints rejected lines as a local ingest does: the first
// maxReported, then a note that the rest are only counted.
type rejectPrinter struct{ n int64 }

// print counts n rejected lines, of which lines are the first.
func (p *rejectPrinter) print(w io.Writer, n int64, lines []string) {
	for i := range n {
		p.n++
		switch {
		case p.n <= maxReported && i < int64(len(lines)):
			fmt.Fprintln(w, lines[i])
		case p.n == maxReported+1:
			fmt.Fprintln(w, "(more rejected lines are counted but not shown)")
		}
	}
}

// ingestEntries is ingestRemote for a server without INGEST: the lines
// are read here with the same options, and appended as exact entries in
// batches, each all or nothing on the server, parsing the next batch while
// the server stores the last.
func (m *Main) ingestEntries(ctx context.Context, g *globals, c *client.Client, inputs []*input, opts ingest.Options, job string, att int) error {
	start := time.Now()
	var rejected rejectPrinter
	loader := &ingest.Loader{DB: remoteAppender{c}, OnReject: func(le *ingest.LineError) {
		rejected.print(m.Stderr, 1, []string{le.Error()})
	}}
	var reports []fileReport
	for _, in := range inputs {
		o, err := in.options(ctx, c, opts, job, att)
		if err != nil {
			return err
		}
		rd := ingest.NewReader(in, in.name, o)
		if err := loader.Load(ctx, rd); err != nil {
			return loadError(in.name, err, loader.Stored())
		}
		reports = append(reports, fileReport{in.name, rd.Format(), rd.Stats()})
	}
	return m.remoteDone(g, start, reports, loader.Stored(), loader.Runs(), rejected.n)
}

// remoteAppender appends through a client. A batch's lines are appended as
// they are: the server seals a run's tail once it goes idle.
type remoteAppender struct{ c *client.Client }

func (r remoteAppender) AppendWith(ctx context.Context, _ engine.AppendOptions, entries ...engine.Entry) ([]int64, error) {
	return r.c.Append(ctx, entries...)
}

package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
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

// ingestRemote is logdb ingest through a server: the lines are read here
// with the same options, so that they are numbered, timed and levelled
// exactly as a local ingest would, and appended as exact entries in
// batches, each all or nothing on the server, parsing the next batch while
// the server stores the last.
func (m *Main) ingestRemote(ctx context.Context, g *globals, inputs []*input, opts ingest.Options, job string, att int) error {
	c, err := g.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	start := time.Now()
	rejected := 0
	loader := &ingest.Loader{DB: remoteAppender{c}, OnReject: func(le *ingest.LineError) {
		rejected++
		if rejected <= maxReported {
			fmt.Fprintf(m.Stderr, "%v\n", le)
		} else if rejected == maxReported+1 {
			fmt.Fprintln(m.Stderr, "(more rejected lines are counted but not shown)")
		}
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
	total := time.Since(start)
	printReports(m.Stderr, reports)
	stored := loader.Stored()
	fmt.Fprintf(m.Stderr, "ingested %s into %s in %v (%.0f lines/s) through %s",
		plural(stored, "line"), plural(int64(loader.Runs()), "run"), total.Round(time.Millisecond), float64(stored)/total.Seconds(), g.server)
	if rejected > 0 {
		fmt.Fprintf(m.Stderr, "; %s rejected\n", plural(int64(rejected), "line"))
		return exitCode(exitError)
	}
	fmt.Fprintln(m.Stderr)
	return nil
}

// remoteAppender appends through a client. A batch's lines are appended as
// they are: the server seals a run's tail once it goes idle.
type remoteAppender struct{ c *client.Client }

func (r remoteAppender) AppendWith(ctx context.Context, _ engine.AppendOptions, entries ...engine.Entry) ([]int64, error) {
	return r.c.Append(ctx, entries...)
}

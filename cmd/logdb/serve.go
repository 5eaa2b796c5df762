package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/insert"
	"github.com/logdb/logdb/query"
	"github.com/logdb/logdb/server"
	"github.com/logdb/logdb/ship"
)

const serveUsage = `usage: logdb serve [--dir DIR] [--listen ADDR] [--auth-token T] [--tls-cert F --tls-key F]
                   [--max-conns N] [--rate N] [--burst N] [--max-request-bytes N]
                   [--max-line-bytes N] [--read-timeout D] [--idle-timeout D]
                   [--write-timeout D] [--query-timeout D] [--shutdown-timeout D]
                   [--query-memory SIZE] [--query-memory-total SIZE]
                   [--max-age AGE] [--rule RULE]... [--include-running]
                   [--block-cache SIZE]
                   [--http ADDR] [--syslog-udp ADDR] [--syslog-tcp ADDR] [--syslog-tls ADDR]
                   [--job-field F,...] [--attempt-field F] [--default-job J]
                   [--msg-field F] [--time-field F] [--time-format FMT]
                   [--label-fields F,...] [--ignore-fields F,...]

Serves the data directory over TCP: this process owns the directory, and
everyone else talks to it. The protocol is RESP2, the Redis protocol, so
nc or telnet (inline commands), redis-cli, redis-benchmark and every Redis
client library work, as does logdb itself with --server ADDR:

  PING, HELLO, INFO, AUTH token, QUIT, HELP
  APPEND job attempt line...          text lines; answers their line numbers
  APPENDJSON job attempt json...      JSON lines, as ingest --format json
  INGEST name [FORMAT f] [JOB j] ... then INGEST.DATA bytes..., INGEST.END
                                      a file's raw bytes, parsed as by ingest
  READ job attempt [FROM n] [COUNT n] [LEVEL l] [CURSOR c] [FORMAT f]
  QUERY filter [COUNT n] [CURSOR c] [FORMAT f] [TZ zone]
  SUBSCRIBE run:<job>:<attempt>[:from=N]   follow a run until it finishes
  SUBSCRIBE query:<filter>                 follow matching lines live
  START job attempt|next [KIND k] [LABEL n=v]... [TRIGGER t] [STATE waiting]
  FINISH job attempt success|failed|canceled [exit [message]]
         [DURATION d] [MEMORY bytes]
  RETRY job, PIN/UNPIN job attempt, DELRUN job attempt
  RUN job attempt, RUNS                    run records; QUERY … OVER runs
  GC [MAXAGE age] [RULE rule]... [DRYRUN]  delete expired runs, with a report

'HELP' on a connection lists every command with its arguments.

With --http it also receives the push protocols of the log shippers
people already run, on one HTTP listener (the same token, as a bearer
header or a basic-auth password, and the same TLS as RESP):

  POST /insert/jsonline          JSON lines, as ingest --format json
  POST /_bulk, /<index>/_bulk    Elasticsearch bulk (Filebeat, Logstash,
                                 Vector, go-elasticsearch); also under
                                 /insert/elasticsearch/
  POST /loki/api/v1/push         Loki push, JSON or snappy protobuf
                                 (Promtail, Alloy, Vector)
  POST /v1/logs                  OTLP/HTTP logs, protobuf or JSON (the
                                 OpenTelemetry Collector and SDKs)

and with --syslog-udp, --syslog-tcp and --syslog-tls, syslog (RFC 5424
and RFC 3164; over TCP octet-counted or one message a line) from
rsyslog, syslog-ng, logger and network devices. An HTTP request is
answered 2xx only once its lines are durable; a malformed one gets its
protocol's kind of error naming the line, and nothing of it is stored
(Elasticsearch bulk answers per document). INFO's stats section counts
requests, lines, rejections and bytes per protocol (insert_*).

Every protocol maps its records onto runs and labels the same way: the
job is the first of --job-field a record has (default: a JSON line's job
or job_id key, Loki's job label, OTLP's service.name, syslog's app_name),
and a record without one goes to run <protocol>/0 (jsonline,
elasticsearch, loki, otlp, syslog) or --default-job; every other field
is a label. An HTTP request may override these in its query string:
job_field, attempt_field, default_job, _msg_field, _time_field,
time_format, label_fields, ignore_fields.

It listens on 127.0.0.1 by default and refuses any other address without
a token. On SIGTERM or Ctrl-C it stops accepting, lets each connection
finish the request it is running (an append is acknowledged or refused,
never half-written), closes followers, and closes the directory.

Flags:
  --listen ADDR          address to listen on (default 127.0.0.1:7379)
  --auth-token T         clients must AUTH with T first (default $LOGDB_TOKEN);
                         required for an address that is not loopback
  --tls-cert F           serve TLS with this certificate (PEM) ...
  --tls-key F            ... and key
  --max-conns N          most connections at once (default 256)
  --rate N               most requests per second per connection, appends
                         not counted, 0 for no limit (default 20, as
                         GetInstanceLog allows)
  --burst N              requests allowed at once above the rate (default: rate)
  --max-request-bytes N  largest request (default 67108864)
  --max-line-bytes N     longest log line appended (default 4194304)
  --read-timeout D       a request must arrive whole within D once started,
                         and a new connection send one within D (default 30s)
  --idle-timeout D       close connections idle for D (default 5m)
  --write-timeout D      drop a client that does not read a reply for D
                         (default 30s)
  --query-timeout D      longest QUERY or READ (default 30s); a query
                         over it fails with "query timed out after 30s"
                         A timeout of 0 is no limit.
  --query-memory SIZE    most memory one QUERY's pipes may hold: the groups
                         of count by, the lines of sort, the hits of a
                         context group. A query that needs more fails with
                         a message naming the pipe and the limit (default
                         256MiB, or an eighth of the machine's memory if
                         that is less; 0 for no limit)
  --query-memory-total SIZE
                         most memory the queries running at once may hold
                         together; a query that finds it used up fails
                         the same way (default 512MiB, or a quarter of the
                         machine's memory if that is less, and at least
                         --query-memory; 0 for no limit). The process's
                         own memory is some 200 MiB besides.
  --shutdown-timeout D   how long shutdown waits for requests (default 10s)
  --max-age AGE          delete runs unchanged for AGE, every hour and on
                         GC (default 30d; see 'logdb help gc')
  --rule RULE            a different age for some runs, as logdb gc --rule
  --include-running      let retention delete expired runs that have not
                         finished too (kept by default), as logdb gc
                         --include-running
  --block-cache SIZE     memory for decoded blocks kept for reads, so that
                         paging through a run decodes each block once
                         (default 32MiB; 0 turns it off)

Receiving pushed logs:
  --http ADDR            serve the HTTP push endpoints on ADDR (HTTPS with
                         --tls-cert); off by default
  --syslog-udp ADDR      receive syslog datagrams on ADDR
  --syslog-tcp ADDR      receive syslog over TCP on ADDR
  --syslog-tls ADDR      receive syslog over TLS on ADDR (with --tls-cert)
                         Syslog carries no token: anyone who reaches these
                         ports can append lines.
  --job-field F,...      the fields whose value is the job, first found wins
  --attempt-field F      the field whose value is the attempt (default 0)
  --default-job J        the job of records that name none (default: the
                         protocol's name)
  --msg-field F          the field that holds the message, in place of the
                         protocol's own
  --time-field F         the field that holds the time ...
  --time-format FMT      ... written as auto (RFC 3339 or an epoch),
                         rfc3339, unix, unix_ms, unix_us, unix_ns or a Go
                         layout such as "2006-01-02 15:04:05" (default auto)
  --label-fields F,...   keep only these fields as labels
  --ignore-fields F,...  drop these fields

Examples:
  logdb serve
  LOGDB_TOKEN=s3cret logdb serve --listen 0.0.0.0:7379 --tls-cert c.pem --tls-key k.pem
  redis-cli -p 7379 READ build latest COUNT 20 FORMAT raw
  logdb serve --http 127.0.0.1:9428 --syslog-udp 127.0.0.1:5514 --syslog-tcp 127.0.0.1:5514
  curl --data-binary @app.jsonl 'http://127.0.0.1:9428/insert/jsonline?job_field=service'
  logdb --server 127.0.0.1:7379 query 'level>=Warn since=-1h'
`

func init() {
	register(&command{name: "serve", summary: "serve the data directory over TCP (RESP2: redis-cli, nc, clients)", usage: serveUsage, run: runServe})
}

// serveOptions are the flags of logdb serve.
type serveOptions struct {
	listen          string
	tlsCert, tlsKey string
	rate            float64
	idle            time.Duration
	shutdown        time.Duration
	o               server.Options

	// The receivers of pushed logs; "" leaves one off.
	http, syslogUDP, syslogTCP, syslogTLS string
	mapping                               ship.Mapping
}

// Validate checks the flags and fills in o.
func (s *serveOptions) Validate() error {
	switch {
	case (s.tlsCert == "") != (s.tlsKey == ""):
		return errors.New("--tls-cert and --tls-key go together")
	case s.rate < 0:
		return errors.New("--rate must not be negative")
	case s.o.MaxConns < 0 || s.o.Burst < 0 || s.o.MaxRequestBytes < 0 || s.o.MaxLineBytes < 0:
		return errors.New("limits must not be negative")
	case s.o.ReadTimeout < 0 || s.idle < 0 || s.o.WriteTimeout < 0 || s.o.QueryTimeout < 0 || s.shutdown < 0:
		return errors.New("timeouts must not be negative")
	case s.syslogTLS != "" && s.tlsCert == "":
		return errors.New("--syslog-tls needs --tls-cert and --tls-key")
	}
	if _, err := s.mapping.Compile(ship.JSONLine); err != nil {
		return err
	}
	s.o.Rate = s.rate
	if s.rate == 0 {
		s.o.Rate = -1 // no limit
	}
	// On the command line 0 means no limit; in server.Options it means
	// the default, and a negative value no limit.
	s.o.IdleTimeout = s.idle
	for _, d := range []*time.Duration{&s.o.ReadTimeout, &s.o.IdleTimeout, &s.o.WriteTimeout, &s.o.QueryTimeout} {
		if *d == 0 {
			*d = -1
		}
	}
	if s.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(s.tlsCert, s.tlsKey)
		if err != nil {
			return fmt.Errorf("cannot load the TLS certificate: %v", err)
		}
		s.o.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return nil
}

func runServe(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("serve", g)
	s := &serveOptions{}
	fs.StringVar(&s.listen, "listen", server.DefaultAddr, "")
	fs.StringVar(&s.tlsCert, "tls-cert", "", "")
	fs.StringVar(&s.tlsKey, "tls-key", "", "")
	fs.IntVar(&s.o.MaxConns, "max-conns", server.DefaultMaxConns, "")
	fs.Float64Var(&s.rate, "rate", server.DefaultRate, "")
	fs.IntVar(&s.o.Burst, "burst", 0, "")
	fs.IntVar(&s.o.MaxRequestBytes, "max-request-bytes", server.DefaultMaxRequestBytes, "")
	fs.IntVar(&s.o.MaxLineBytes, "max-line-bytes", 0, "")
	fs.DurationVar(&s.o.ReadTimeout, "read-timeout", server.DefaultReadTimeout, "")
	fs.DurationVar(&s.idle, "idle-timeout", server.DefaultIdleTimeout, "")
	fs.DurationVar(&s.o.WriteTimeout, "write-timeout", server.DefaultWriteTimeout, "")
	fs.DurationVar(&s.o.QueryTimeout, "query-timeout", server.DefaultQueryTimeout, "")
	fs.DurationVar(&s.shutdown, "shutdown-timeout", 10*time.Second, "")
	maxAge := ageFlag(engine.DefaultMaxAge)
	var rules ruleFlags
	fs.Var(&maxAge, "max-age", "")
	fs.Var(&rules, "rule", "")
	includeRunning := fs.Bool("include-running", false, "")
	blockCache := fs.String("block-cache", "32MiB", "")
	queryMemory := fs.String("query-memory", "", "")
	queryMemoryTotal := fs.String("query-memory-total", "", "")
	fs.StringVar(&s.http, "http", "", "")
	fs.StringVar(&s.syslogUDP, "syslog-udp", "", "")
	fs.StringVar(&s.syslogTCP, "syslog-tcp", "", "")
	fs.StringVar(&s.syslogTLS, "syslog-tls", "", "")
	fs.Func("job-field", "", listFlag(&s.mapping.JobFields))
	fs.StringVar(&s.mapping.AttemptField, "attempt-field", "", "")
	fs.StringVar(&s.mapping.DefaultJob, "default-job", "", "")
	fs.StringVar(&s.mapping.MessageField, "msg-field", "", "")
	fs.StringVar(&s.mapping.TimeField, "time-field", "", "")
	fs.StringVar(&s.mapping.TimeFormat, "time-format", "", "")
	fs.Func("label-fields", "", listFlag(&s.mapping.LabelFields))
	fs.Func("ignore-fields", "", listFlag(&s.mapping.IgnoreFields))
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return usagef("%v", err)
	}
	s.o.AuthToken = g.token
	s.o.Version = logdbVersion()

	for _, f := range []struct {
		name, value string
		to          *int64
	}{{"query-memory", *queryMemory, &s.o.QueryMemory}, {"query-memory-total", *queryMemoryTotal, &s.o.QueryMemoryTotal}} {
		if f.value == "" {
			continue
		}
		if *f.to, err = parseLimitSize(f.name, f.value); err != nil {
			return err
		}
	}
	if perQuery, total := s.o.QueryMemory, s.o.QueryMemoryTotal; perQuery > 0 && total > 0 && total < perQuery {
		return usagef("--query-memory-total (%s) must be at least --query-memory (%s)", *queryMemoryTotal, *queryMemory)
	}

	cacheBytes, err := query.ParseSize(*blockCache)
	if err != nil || cacheBytes < 0 {
		return usagef("bad --block-cache %q (want a size such as 64MiB, or 0 for none)", *blockCache)
	}
	if cacheBytes == 0 {
		cacheBytes = -1 // off; 0 is the default in engine.Options
	}

	// Check the address before opening the directory: a refused listen
	// should not take the directory's lock even for a moment.
	l, err := net.Listen("tcp", s.listen)
	if err != nil {
		return err
	}
	if tcp, ok := l.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && g.token == "" {
		l.Close()
		return fmt.Errorf("refusing to listen on %s without a token: anyone who can reach it could read and write the logs; set --auth-token or $LOGDB_TOKEN", s.listen)
	}
	rl, err := listenReceivers(s, g.token)
	if err != nil {
		l.Close()
		return err
	}
	// Not openDB: --server (or $LOGDB_SERVER) names where clients go, and
	// may well be this server.
	db, err := engine.Open(g.dir, g.diskReserve.apply(&engine.Options{
		MaxLineBytes:    s.o.MaxLineBytes,
		Retention:       &engine.Retention{MaxAge: time.Duration(maxAge), Rules: rules, IncludeRunning: *includeRunning},
		BlockCacheBytes: cacheBytes,
	}))
	if err != nil {
		l.Close()
		rl.close()
		return err
	}
	defer db.Close()
	var rc *insert.Receiver
	if rl.any() {
		// The receiver appends through srv, which is made next; INFO
		// asks it for its counters.
		s.o.InfoStats = func(kv func(string, any)) { rc.InfoStats(kv) }
	}
	srv, err := server.New(db, &s.o)
	if err != nil {
		l.Close()
		rl.close()
		return usagef("%v", err)
	}
	if rl.any() {
		if rc, err = insert.New(srv, &insert.Options{Mapping: s.mapping, MaxLineBytes: srv.Options().MaxLineBytes, Logger: warnLogger(m.Stderr)}); err != nil {
			l.Close()
			rl.close()
			return usagef("%v", err)
		}
	}
	m.raiseHeapLimit(srv.Options().QueryMemoryTotal)
	if s.o.TLSConfig != nil {
		l = tls.NewListener(l, s.o.TLSConfig)
	}
	scheme := ""
	if s.o.TLSConfig != nil {
		scheme = "tls://"
	}
	fmt.Fprintf(m.Stderr, "logdb: serving %s on %s%s (RESP2: redis-cli -p %d, nc, logdb --server)\n", g.dir, scheme, l.Addr(), l.Addr().(*net.TCPAddr).Port)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	so := srv.Options()
	hs, recvDone := rl.serve(m, rc, &so)
	select {
	case err := <-done:
		return err
	case err := <-recvDone:
		srv.Close()
		<-done
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(m.Stderr, "logdb: shutting down…")
	sctx, cancel := context.WithTimeout(context.Background(), s.shutdown)
	defer cancel()
	// The receivers first: their last appends go through srv.
	if hs != nil {
		hs.Shutdown(sctx)
	}
	if rc != nil {
		rc.Close()
	}
	err = srv.Shutdown(sctx)
	<-done
	if err != nil {
		fmt.Fprintf(m.Stderr, "logdb: shutdown: %v; closed the remaining connections\n", err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, "logdb: stopped")
	return nil
}

// logdbVersion is the module version and VCS revision of this binary, as
// logdb version prints them.
func logdbVersion() string {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	return v
}

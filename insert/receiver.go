package insert

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/httpd"
	"github.com/logdb/logdb/ship"
)

// An Appender stores entries durably and returns their line numbers:
// *server.Server, whose group commit the receivers then share with the
// RESP clients, or a wrapper of *engine.DB.
type Appender interface {
	Append(entries []engine.Entry) ([]int64, error)
}

// Options tune a Receiver. The zero value of every field means its
// default.
type Options struct {
	// Mapping says how records become entries, for every protocol; an
	// HTTP request may override it with query parameters
	// (ship.ParseQuery). Default: each protocol's own parts.
	Mapping ship.Mapping

	// MaxLineBytes is the longest message accepted. Default 4 MiB.
	MaxLineBytes int

	// MaxRequestBytes is the largest HTTP body, uncompressed. Default: the
	// httpd.Server's limit.
	MaxRequestBytes int64

	// Location is the zone of times written without one. Default
	// time.Local.
	Location *time.Location

	// SyslogBatch is how many syslog messages are appended together at
	// most; a batch is appended as soon as no more messages are waiting.
	// Default 1000.
	SyslogBatch int

	// Logger receives syslog connection errors. Default slog.Default().
	Logger *slog.Logger
}

// A Receiver decodes pushed logs (HTTP handlers and syslog sockets) and
// appends them. It is safe for concurrent use.
type Receiver struct {
	app     Appender
	opts    Options
	mappers map[ship.Protocol]*ship.Mapper
	syslog  *ship.SyslogDecoder

	stats          [5]counters // by ship.Protocols
	syslogUnparsed atomic.Int64

	wg sync.WaitGroup // syslog goroutines
	// mu guards closed, closers.
	mu struct {
		sync.Mutex
		closed  bool
		closers map[closer]struct{}
	}
}

type closer interface{ Close() error }

// New returns a receiver appending through app. Options that cannot work
// (a bad mapping) are an error.
func New(app Appender, opts *Options) (*Receiver, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 4 << 20
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.SyslogBatch <= 0 {
		o.SyslogBatch = 1000
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	rc := &Receiver{app: app, opts: o, mappers: map[ship.Protocol]*ship.Mapper{}}
	for _, p := range ship.Protocols {
		mp, err := o.Mapping.Compile(p)
		if err != nil {
			return nil, err
		}
		rc.mappers[p] = mp
	}
	rc.syslog = ship.NewSyslogDecoder(rc.decodeOptions())
	rc.mu.closers = map[closer]struct{}{}
	return rc, nil
}

func (rc *Receiver) decodeOptions() ship.Options {
	return ship.Options{MaxLineBytes: rc.opts.MaxLineBytes, Location: rc.opts.Location}
}

// Mount mounts the HTTP receivers on s:
//
//	POST /insert/jsonline                       JSON lines
//	POST /_bulk, /<index>/_bulk                 Elasticsearch bulk
//	     /insert/elasticsearch/…                the same, VictoriaLogs' path
//	GET, HEAD /, GET /_license, index templates what ES clients probe
//	POST /loki/api/v1/push                      Loki push (JSON, snappy protobuf)
//	     /insert/loki/api/v1/push
//	POST /v1/logs                               OTLP/HTTP logs (protobuf, JSON)
//	     /insert/opentelemetry/v1/logs
func (rc *Receiver) Mount(s *httpd.Server) {
	limit := rc.opts.MaxRequestBytes
	if limit <= 0 {
		limit = s.Options().MaxRequestBytes
	}
	rc.opts.MaxRequestBytes = limit
	s.HandleFunc("POST /insert/jsonline", rc.serveJSONLine)
	rc.mountES(s, "")
	rc.mountES(s, "/insert/elasticsearch")
	for _, p := range []string{"/loki/api/v1/push", "/insert/loki/api/v1/push"} {
		s.HandleFunc("POST "+p, rc.serveLoki)
	}
	for _, p := range []string{"/v1/logs", "/insert/opentelemetry/v1/logs"} {
		s.HandleFunc("POST "+p, rc.serveOTLP)
	}
}

// mapper returns the mapper of protocol p for r: the receiver's, or one
// with r's query parameters applied.
func (rc *Receiver) mapper(p ship.Protocol, r *http.Request) (*ship.Mapper, error) {
	if r == nil || r.URL.RawQuery == "" {
		return rc.mappers[p], nil
	}
	return ship.ParseQuery(rc.opts.Mapping, r.URL.Query()).Compile(p)
}

// readBody reads r's body, counting it. The error says which limit or
// encoding failed, with the HTTP status to answer.
func (rc *Receiver) readBody(p ship.Protocol, r *http.Request) ([]byte, int, error) {
	c := rc.counters(p)
	c.requests.Add(1)
	body, err := httpd.ReadBody(r, rc.opts.MaxRequestBytes)
	switch {
	case errors.Is(err, httpd.ErrTooLarge):
		c.rejected.Add(1)
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("%v (logdb serve --max-request-bytes); nothing of it was stored", err)
	case errors.Is(err, httpd.ErrEncoding):
		c.rejected.Add(1)
		return nil, http.StatusUnsupportedMediaType, err
	case err != nil:
		c.rejected.Add(1)
		return nil, http.StatusBadRequest, fmt.Errorf("cannot read the request: %v", err)
	}
	c.bytes.Add(int64(len(body)))
	return body, 0, nil
}

// appendEntries appends es durably, counting them; the status is the
// HTTP one of the error.
func (rc *Receiver) appendEntries(p ship.Protocol, es []engine.Entry) ([]int64, int, error) {
	c := rc.counters(p)
	if len(es) == 0 {
		return nil, 0, nil
	}
	lines, err := rc.app.Append(es)
	if err != nil {
		c.rejected.Add(1)
		return nil, appendStatus(err), fmt.Errorf("cannot store the lines: %w", err)
	}
	c.lines.Add(int64(len(lines)))
	return lines, 0, nil
}

// appendStatus is the HTTP status of an Append error: the client's fault
// for entries the engine refuses before storing anything, the server's
// otherwise.
func appendStatus(err error) int {
	switch {
	case errors.Is(err, engine.ErrBadEntry), errors.Is(err, engine.ErrLineTooLong):
		return http.StatusBadRequest
	case errors.Is(err, engine.ErrRunFinished):
		return http.StatusConflict
	case errors.Is(err, engine.ErrClosed):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// decodeStatus is the HTTP status of a decoding or mapping error.
func decodeStatus(err error) int {
	if errors.Is(err, ship.ErrTooLong) || errors.Is(err, httpd.ErrTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// track registers a listener or connection that Close closes, and counts
// its goroutine in wg; it reports false once the receiver is closed.
// untrack undoes it when the goroutine ends.
func (rc *Receiver) track(c closer) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.mu.closed {
		return false
	}
	rc.mu.closers[c] = struct{}{}
	rc.wg.Add(1)
	return true
}

func (rc *Receiver) untrack(c closer) {
	rc.mu.Lock()
	delete(rc.mu.closers, c)
	rc.mu.Unlock()
	rc.wg.Done()
}

// Close stops the syslog listeners and connections, appends what they
// had read, and waits for them. HTTP requests end with the httpd.Server's
// Shutdown. Close is idempotent.
func (rc *Receiver) Close() error {
	rc.mu.Lock()
	rc.mu.closed = true
	for c := range rc.mu.closers {
		c.Close()
	}
	rc.mu.Unlock()
	rc.wg.Wait()
	return nil
}

// hostOf is a peer's address, for errors and logs.
func hostOf(a net.Addr) string {
	if a == nil {
		return "peer"
	}
	return a.String()
}

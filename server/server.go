package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// A Server serves one engine.DB over TCP in RESP2. Create it with New, then
// call Serve or ListenAndServe; Shutdown stops it gracefully. It is safe for
// concurrent use.
type Server struct {
	db    *engine.DB
	opts  Options
	start time.Time

	sem    chan struct{}   // one token per connection being served; see MaxConns
	ctx    context.Context // cancelled by Close: every query and follower stops
	cancel context.CancelFunc

	shuttingDown atomic.Bool
	connWG       sync.WaitGroup

	// mu guards listeners, conns and nextID.
	mu struct {
		sync.Mutex
		listeners map[net.Listener]struct{}
		conns     map[*conn]struct{}
		nextID    int64
	}

	// stats counts what INFO reports.
	stats struct {
		conns       atomic.Int64 // connections accepted
		rejected    atomic.Int64 // connections refused at MaxConns
		commands    atomic.Int64 // requests run
		rateLimited atomic.Int64 // requests refused by the rate limit
		authFailed  atomic.Int64 // AUTHs with a wrong token
		authRefused atomic.Int64 // AUTHs refused by the limit on failures
		appended    atomic.Int64 // lines appended
		ingests     atomic.Int64 // INGEST sessions loading
	}

	auth       *authLimiter // failed AUTHs; see auth.go
	storeStats statsCache
	queries    *query.MemoryPool // the memory of running QUERYs; nil: no QueryMemoryTotal
	commits    committer         // groups concurrent appends; see commit.go
}

// New returns a server for db. A nil opts means defaults; invalid options
// are an error. The server does not own db: close it after Shutdown.
func New(db *engine.DB, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.ensureDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	if max := db.Options().MaxLineBytes; o.MaxLineBytes == 0 || o.MaxLineBytes > max {
		o.MaxLineBytes = max
	}
	s := &Server{db: db, opts: o, start: time.Now(), sem: make(chan struct{}, o.MaxConns)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.mu.listeners = map[net.Listener]struct{}{}
	s.mu.conns = map[*conn]struct{}{}
	s.auth = newAuthLimiter(&o)
	s.storeStats.db = db
	if o.QueryMemoryTotal > 0 {
		s.queries = query.NewMemoryPool(o.QueryMemoryTotal)
	}
	s.commits.db = db
	return s, nil
}

// Options returns the options in use, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// ListenAndServe listens on the TCP address addr (DefaultAddr if empty),
// with TLS if Options.TLSConfig is set, and serves. It returns
// ErrServerClosed after Shutdown, ErrInsecureListen for a non-loopback
// address without a token.
func (s *Server) ListenAndServe(addr string) error {
	if addr == "" {
		addr = DefaultAddr
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if s.opts.TLSConfig != nil {
		l = tls.NewListener(l, s.opts.TLSConfig)
	}
	return s.Serve(l)
}

// Serve accepts connections on l and serves each in its own goroutine. It
// closes l when it returns: with ErrServerClosed after Shutdown or Close,
// ErrInsecureListen if l is not on a loopback address and there is no
// Options.AuthToken, or the error Accept failed with.
func (s *Server) Serve(l net.Listener) error {
	if s.opts.AuthToken == "" && !isLoopback(l.Addr()) {
		l.Close()
		return fmt.Errorf("%w: %s (set a token: --auth-token or $LOGDB_TOKEN)", ErrInsecureListen, l.Addr())
	}
	s.mu.Lock()
	if s.shuttingDown.Load() {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	s.mu.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.mu.listeners, l)
		s.mu.Unlock()
		l.Close()
	}()

	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.shuttingDown.Load() {
				return ErrServerClosed
			}
			// Out of file descriptors and the like pass; back off as
			// net/http does.
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.opts.Logger.Warn("server: accept failed; retrying", "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		select {
		case s.sem <- struct{}{}:
		default:
			s.stats.rejected.Add(1)
			go refuse(nc, codeErr, "max number of clients reached")
			continue
		}
		s.stats.conns.Add(1)
		c := newConn(s, nc)
		if !s.track(c) {
			<-s.sem
			go refuse(nc, codeShutdown, "the server is shutting down")
			continue
		}
		go c.serve()
	}
}

// isTemporary reports errors such as EMFILE that Accept may recover from.
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// refuse answers a connection it will not serve with an error, then closes
// it.
func refuse(nc net.Conn, code, msg string) {
	c := &conn{nc: nc}
	nc.SetDeadline(time.Now().Add(time.Second))
	if _, err := fmt.Fprintf(nc, "-%s %s\r\n", code, msg); err == nil {
		c.closeWriteAndWait()
	}
	nc.Close()
}

// track adds c to the live connections, unless the server is shutting
// down.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown.Load() {
		return false
	}
	s.mu.nextID++
	c.id = s.mu.nextID
	s.mu.conns[c] = struct{}{}
	s.connWG.Add(1)
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.mu.conns, c)
	s.mu.Unlock()
	<-s.sem
	s.connWG.Done()
}

// numConns returns the number of connections being served.
func (s *Server) numConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.mu.conns)
}

// Shutdown stops the server gracefully. It closes the listeners, so that
// no connection is accepted; closes idle connections and ends follows;
// lets each connection finish the request it is reading or running and
// write its reply, answers requests already buffered behind it with
// "-SHUTDOWN", then closes it. An APPEND is therefore either acknowledged
// or refused, never half-written. When ctx is done first, Shutdown closes
// every connection, cancels running queries and returns ctx's error;
// appends under way still finish in the engine, which holds its lock until
// they are durable, so the DB may be closed after Shutdown returns.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shuttingDown.Store(true)
	for l := range s.mu.listeners {
		l.Close()
	}
	conns := make([]*conn, 0, len(s.mu.conns))
	for c := range s.mu.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.shutdown()
	}

	done := make(chan struct{})
	go func() {
		s.connWG.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.Close()
		<-done
		return ctx.Err()
	}
}

// Close stops the server at once: it closes the listeners and every
// connection and cancels running queries and follows. It does not wait for
// the connections' goroutines; Shutdown does.
func (s *Server) Close() error {
	s.mu.Lock()
	s.shuttingDown.Store(true)
	for l := range s.mu.listeners {
		l.Close()
	}
	for c := range s.mu.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.cancel()
	return nil
}

package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logdb/logdb/query"
)

// A conn is one client connection. Its goroutine (serve) reads requests
// and runs them one at a time, replying in order, so that pipelined
// requests work; while the connection follows runs (SUBSCRIBE), follower
// goroutines write message frames too, under wmu.
type conn struct {
	srv *Server
	nc  net.Conn
	id  int64
	cr  *connReader
	br  *bufio.Reader
	rd  *Reader

	// wmu guards bw and w: replies, and follower frames in subscribe mode.
	wmu sync.Mutex
	bw  *bufio.Writer
	w   *Writer

	ctx    context.Context // cancelled when the connection ends
	cancel context.CancelFunc

	// Used by serve's goroutine only.
	authed  bool
	limiter bucket
	name    string
	linger  bool // close gracefully: we end the connection, not the client
	pubsub  bool // the connection followed something when the request came
	started bool // a first request has arrived

	ingest *ingestSession // the INGEST under way, or nil; see cmd_ingest.go

	// mu guards state, which Shutdown reads to close idle connections.
	mu struct {
		sync.Mutex
		state connState
	}

	// subMu guards subs, the runs and queries followed.
	subMu sync.Mutex
	subs  map[string]*subscription
}

type connState uint8

const (
	stateBusy connState = iota // reading or running a request
	stateIdle                  // waiting for the first byte of a request
)

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{srv: s, nc: nc, authed: s.opts.AuthToken == "", limiter: newBucket(s.opts.Rate, s.opts.Burst)}
	c.cr = &connReader{nc: nc}
	c.br = bufio.NewReaderSize(c.cr, 16<<10)
	c.rd = &Reader{br: c.br, MaxInline: s.opts.MaxInlineBytes, MaxRequest: s.opts.MaxRequestBytes, MaxArgs: s.opts.MaxArgs}
	c.bw = bufio.NewWriterSize(deadlineWriter{nc, timeout(s.opts.WriteTimeout)}, 16<<10)
	c.w = NewWriter(c.bw)
	c.ctx, c.cancel = context.WithCancel(s.ctx)
	c.subs = map[string]*subscription{}
	return c
}

// serve reads and runs requests until the client leaves, a timeout
// passes, or the server shuts down.
func (c *conn) serve() {
	defer c.close()
	// A TLS handshake is part of the first request: it must be done
	// within the read timeout, not the idle timeout.
	if tc, ok := c.nc.(*tls.Conn); ok {
		if d := timeout(c.srv.opts.ReadTimeout); d > 0 {
			tc.SetDeadline(time.Now().Add(d))
		}
		if err := tc.Handshake(); err != nil {
			return
		}
		tc.SetDeadline(time.Time{})
	}
	for {
		if !c.waitRequest() {
			return
		}
		if d := timeout(c.srv.opts.ReadTimeout); d > 0 {
			c.nc.SetReadDeadline(time.Now().Add(d))
		}
		args, err := c.rd.ReadRequest()
		if err != nil {
			var pe *ProtocolError
			var ne net.Error
			switch {
			case errors.As(err, &pe):
				c.reply(func(w *Writer) { w.Error(codeErr, pe.Error()) })
				if pe.Fatal {
					c.flush()
					c.linger = true
					return
				}
			case errors.As(err, &ne) && ne.Timeout():
				// A request started and did not finish in time: a slow
				// or stuck client. Say so, then hang up.
				c.reply(func(w *Writer) {
					w.Error(codeErr, "read timeout: the request did not arrive whole within "+c.srv.opts.ReadTimeout.String())
				})
				c.flush()
				c.linger = true
				return
			default:
				return // EOF, reset, closed
			}
		} else {
			c.nc.SetReadDeadline(time.Time{})
			if !c.dispatch(args) {
				c.flush()
				c.linger = true
				return
			}
		}
		if c.br.Buffered() == 0 && !c.flush() {
			return
		}
		if c.srv.shuttingDown.Load() {
			c.refuseBuffered()
			c.linger = true
			return
		}
	}
}

// waitRequest waits for the first byte of the next request, under the
// idle timeout (none while following), and reports whether one came.
func (c *conn) waitRequest() bool {
	if c.br.Buffered() == 0 {
		c.mu.Lock()
		if c.srv.shuttingDown.Load() {
			c.mu.Unlock()
			return false
		}
		c.mu.state = stateIdle
		// A new connection has the read timeout to send its first
		// request, so that idle sockets cannot fill MaxConns for long.
		var deadline time.Time
		d := timeout(c.srv.opts.IdleTimeout)
		if !c.started {
			d = timeout(c.srv.opts.ReadTimeout)
		}
		if d > 0 && !c.subscribed() {
			deadline = time.Now().Add(d)
		}
		c.nc.SetReadDeadline(deadline)
		c.mu.Unlock()
	}
	_, err := c.br.Peek(1)
	c.mu.Lock()
	c.mu.state = stateBusy
	c.mu.Unlock()
	c.started = true
	return err == nil
}

// shutdown is called by Server.Shutdown: an idle connection is woken to
// close; a busy one closes after its reply.
func (c *conn) shutdown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.state == stateIdle {
		c.nc.SetReadDeadline(aLongTimeAgo)
	}
}

// refuseBuffered answers the requests a client had already sent when the
// server began to shut down with -SHUTDOWN, so that it knows they were not
// run, then flushes.
func (c *conn) refuseBuffered() {
	for c.br.Buffered() > 0 || c.cr.hasPeeked() {
		c.nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := c.rd.ReadRequest(); err != nil {
			break
		}
		c.reply(func(w *Writer) { w.Error(codeShutdown, "the server is shutting down; the request was not run") })
	}
	c.flush()
}

// close ends the connection: followers stop, the socket closes.
func (c *conn) close() {
	c.cancel()
	if c.linger {
		c.closeWriteAndWait()
	}
	c.nc.Close()
	c.unsubscribeAll()
	c.abortIngest()
	c.srv.untrack(c)
}

// closeWriteAndWait sends FIN and reads what the client still sends for a
// moment before the socket is closed. Closing a socket with unread input
// sends RST, which can make the client's kernel drop our last replies
// unread, such as the acknowledgement of an append before a shutdown; the
// pause gives the client time to read them (net/http does the same).
func (c *conn) closeWriteAndWait() {
	type closeWriter interface{ CloseWrite() error }
	cw, ok := c.nc.(closeWriter)
	if !ok {
		return
	}
	c.nc.SetDeadline(time.Now().Add(rstAvoidanceDelay))
	if cw.CloseWrite() != nil {
		return
	}
	buf := make([]byte, 4096)
	for {
		if _, err := c.nc.Read(buf); err != nil {
			return
		}
	}
}

// rstAvoidanceDelay bounds closeWriteAndWait.
const rstAvoidanceDelay = 500 * time.Millisecond

// reply writes a reply under wmu.
func (c *conn) reply(fn func(w *Writer)) {
	c.wmu.Lock()
	fn(c.w)
	c.wmu.Unlock()
}

// flush writes out buffered replies and reports whether that worked.
func (c *conn) flush() bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.w.Flush() == nil
}

// dispatch runs one request and reports whether the connection goes on.
func (c *conn) dispatch(args [][]byte) bool {
	c.srv.stats.commands.Add(1)
	c.pubsub = c.subscribed()
	name := strings.ToUpper(string(args[0]))
	cmd := commands[name]
	if cmd == nil || !cmd.free {
		if ok, wait := c.limiter.take(time.Now()); !ok {
			c.srv.stats.rateLimited.Add(1)
			ms := max(1, wait.Milliseconds())
			c.reply(func(w *Writer) {
				w.Error(codeRateLimit, "too many requests (limit "+formatRate(c.srv.opts.Rate)+"/s per connection); retry after "+itoa(ms)+" ms")
			})
			return true
		}
	}
	var err error
	switch {
	case cmd == nil:
		err = errorf("unknown command '%s', with args beginning with: %s (HELP lists the commands)", truncate(string(args[0]), 64), quoteArgs(args[1:]))
	case !c.authed && !cmd.noAuth:
		err = codeError(codeNoAuth, "Authentication required.")
	case c.pubsub && !cmd.pubsub:
		err = errorf("Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", strings.ToLower(name))
	case cmd.arity > 0 && len(args) != cmd.arity || cmd.arity < 0 && len(args) < -cmd.arity:
		err = errorf("wrong number of arguments for '%s' command (usage: %s)", strings.ToLower(name), cmd.usage)
	}
	if err == nil {
		if cmd.ownsWriter {
			err = cmd.run(c, args)
		} else {
			c.wmu.Lock()
			err = cmd.run(c, args)
			c.wmu.Unlock()
		}
	}
	if err != nil {
		var quit errQuit
		if errors.As(err, &quit) {
			return false
		}
		code, msg := errorReply(err)
		c.reply(func(w *Writer) { w.Error(code, msg) })
	}
	return true
}

// errQuit, returned by a command after its reply, closes the connection.
type errQuit struct{}

func (errQuit) Error() string { return "quit" }

// commandContext returns the context a slow command runs under: it ends
// after QueryTimeout, when the server closes, and when the client hangs up
// while the command runs. The caller must call done.
func (c *conn) commandContext() (ctx context.Context, done func()) {
	ctx, cancel := context.WithCancel(c.ctx)
	if d := timeout(c.srv.opts.QueryTimeout); d > 0 {
		var cancelT context.CancelFunc
		// The cause says how long a QUERY had (query.Rows reports it).
		ctx, cancelT = context.WithTimeoutCause(ctx, d, &query.TimeoutError{After: d})
		prev := cancel
		cancel = func() { cancelT(); prev() }
	}
	// With requests queued behind this one the client is there; else
	// watch the socket for a hang-up.
	if c.br.Buffered() > 0 {
		return ctx, cancel
	}
	stop := c.cr.watch(cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// subscribed reports whether the connection follows anything.
func (c *conn) subscribed() bool {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	return len(c.subs) > 0
}

// aLongTimeAgo is a deadline in the past, to wake a blocked read.
var aLongTimeAgo = time.Unix(1, 0)

// deadlineWriter sets a write deadline before each write to the socket, so
// that a client that stops reading is cut off after the write timeout.
type deadlineWriter struct {
	nc net.Conn
	d  time.Duration
}

func (w deadlineWriter) Write(p []byte) (int, error) {
	if w.d > 0 {
		w.nc.SetWriteDeadline(time.Now().Add(w.d))
	}
	return w.nc.Write(p)
}

// connReader reads the socket for the connection's bufio.Reader and can
// watch it for a hang-up while a command runs, in the way of net/http's
// background read: one byte is read in the background, and given back to
// the next Read if the client sent one.
type connReader struct {
	nc net.Conn

	mu     sync.Mutex // guards peeked, b
	peeked bool
	b      [1]byte
}

func (cr *connReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	cr.mu.Lock()
	if cr.peeked {
		p[0] = cr.b[0]
		cr.peeked = false
		cr.mu.Unlock()
		return 1, nil
	}
	cr.mu.Unlock()
	return cr.nc.Read(p)
}

// hasPeeked reports whether a byte read by watch waits for the next Read.
func (cr *connReader) hasPeeked() bool {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return cr.peeked
}

// watch reads the socket in the background until stop is called, and
// calls gone if the client closes the connection or it breaks. The
// bufio.Reader on cr must not be reading meanwhile and must have nothing
// buffered.
func (cr *connReader) watch(gone func()) (stop func()) {
	cr.nc.SetReadDeadline(time.Time{})
	var stopping atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		var b [1]byte
		n, err := cr.nc.Read(b[:])
		if n == 1 {
			cr.mu.Lock()
			cr.b[0], cr.peeked = b[0], true
			cr.mu.Unlock()
			return
		}
		if err != nil && !stopping.Load() {
			gone()
		}
	}()
	return func() {
		stopping.Store(true)
		cr.nc.SetReadDeadline(aLongTimeAgo)
		<-done
	}
}

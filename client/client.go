package client

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// Options configure a Client. The zero value of every field means its
// default.
type Options struct {
	// Token is sent with AUTH after connecting, if set.
	Token string

	// TLSConfig, if set, makes the client speak TLS. Its ServerName
	// defaults to the host of the address.
	TLSConfig *tls.Config

	// DialTimeout bounds connecting, TLS handshake and AUTH. Default 10s.
	DialTimeout time.Duration

	// RateLimitRetries is how many times a request refused by the server's
	// rate limit is sent again, after the wait the server names. Default
	// 20; negative: never.
	RateLimitRetries int
}

func (o *Options) ensureDefaults() {
	if o.DialTimeout == 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.RateLimitRetries == 0 {
		o.RateLimitRetries = 20
	}
}

// A Client talks to a logdb server over one connection, which it opens
// again after a network error or a cancelled request. It is safe for
// concurrent use; requests from several goroutines take turns on the
// connection, so use several Clients for parallel requests. Follow and
// FollowQuery open a connection of their own.
type Client struct {
	addr string
	opts Options

	mu     sync.Mutex // guards cn, closed; held for a whole request
	cn     *wire
	closed bool
}

// Dial connects to the server at addr (host:port), authenticates if
// opts.Token is set, and returns a Client. A nil opts means defaults.
func Dial(ctx context.Context, addr string, opts *Options) (*Client, error) {
	c := &Client{addr: addr}
	if opts != nil {
		c.opts = *opts
	}
	c.opts.ensureDefaults()
	cn, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	c.cn = cn
	return c, nil
}

// Addr returns the server's address.
func (c *Client) Addr() string { return c.addr }

// Close closes the connection. Requests after Close return ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.cn != nil {
		err := c.cn.nc.Close()
		c.cn = nil
		return err
	}
	return nil
}

// A wire is one connection.
type wire struct {
	nc net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

// dial opens and authenticates a connection.
func (c *Client) dial(ctx context.Context) (*wire, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.DialTimeout)
	defer cancel()
	var nc net.Conn
	var err error
	if c.opts.TLSConfig != nil {
		cfg := c.opts.TLSConfig.Clone()
		if cfg.ServerName == "" {
			if host, _, err := net.SplitHostPort(c.addr); err == nil {
				cfg.ServerName = host
			}
		}
		d := &tls.Dialer{Config: cfg}
		nc, err = d.DialContext(ctx, "tcp", c.addr)
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, "tcp", c.addr)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot connect to logdb server at %s: %w", c.addr, err)
	}
	w := &wire{nc: nc, br: bufio.NewReaderSize(nc, 64<<10), bw: bufio.NewWriterSize(nc, 64<<10)}
	if c.opts.Token != "" {
		if _, err := w.roundTrip(ctx, []string{"AUTH", c.opts.Token}); err != nil {
			nc.Close()
			return nil, fmt.Errorf("cannot authenticate to %s: %w", c.addr, err)
		}
	}
	return w, nil
}

// roundTrip sends one request and reads its reply under ctx: its deadline
// becomes the connection's, and cancelling it wakes a blocked read.
func (w *wire) roundTrip(ctx context.Context, args []string) (any, error) {
	defer w.watch(ctx)()
	if err := writeCommand(w.bw, args); err != nil {
		return nil, ioError(ctx, err)
	}
	v, err := readReply(w.br)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, ioError(ctx, err)
	}
	return v, nil
}

// watch makes ctx's deadline the connection's until stop is called, and
// cancelling ctx wake a blocked read or write.
func (w *wire) watch(ctx context.Context) (stop func()) {
	if dl, ok := ctx.Deadline(); ok {
		w.nc.SetDeadline(dl)
	} else {
		w.nc.SetDeadline(time.Time{})
	}
	s := context.AfterFunc(ctx, func() { w.nc.SetDeadline(time.Unix(1, 0)) })
	return func() { s() }
}

// ioError prefers the context's error to the timeout it caused.
func ioError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// The socket's deadline, which is ctx's, may pass a moment before
	// ctx's own timer fires.
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return err
}

// Do sends a command and returns its reply: a string, an int64, nil, a
// []any of those, or an *Error as the error. Requests refused by the rate
// limit are retried as Options.RateLimitRetries says.
func (c *Client) Do(ctx context.Context, args ...string) (any, error) {
	for try := 0; ; try++ {
		v, err := c.do(ctx, args)
		var e *Error
		if errors.As(err, &e) && e.Code == "RATELIMIT" && try < c.opts.RateLimitRetries {
			wait := max(e.RetryAfter(), time.Millisecond)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
			continue
		}
		return v, err
	}
}

func (c *Client) do(ctx context.Context, args []string) (any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.connLocked(ctx); err != nil {
		return nil, err
	}
	v, err := c.cn.roundTrip(ctx, args)
	var e *Error
	if err != nil && !errors.As(err, &e) {
		// The connection is in an unknown state: drop it.
		c.cn.nc.Close()
		c.cn = nil
	}
	return v, err
}

// connLocked dials, unless the client has a connection or is closed.
func (c *Client) connLocked(ctx context.Context) error {
	if c.closed {
		return ErrClosed
	}
	if c.cn == nil {
		cn, err := c.dial(ctx)
		if err != nil {
			return err
		}
		c.cn = cn
	}
	return nil
}

// Helpers for reading replies.

// fields reads a flat key/value array into a map.
func fields(v any) (map[string]any, error) {
	a, ok := v.([]any)
	if !ok || len(a)%2 != 0 {
		return nil, fmt.Errorf("%w: want a key/value array, got %T", ErrProtocol, v)
	}
	m := make(map[string]any, len(a)/2)
	for i := 0; i < len(a); i += 2 {
		k, ok := a[i].(string)
		if !ok {
			return nil, fmt.Errorf("%w: key %v is not a string", ErrProtocol, a[i])
		}
		m[k] = a[i+1]
	}
	return m, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

// unixTime reads a time written in the server's layout, 0 for nil or "".
func unixTime(v any) int64 {
	s := str(v)
	if s == "" {
		return 0
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0
	}
	return t.UnixNano()
}

// attemptArg writes an attempt as the server reads it.
func attemptArg(a int) string {
	if a == latest {
		return "latest"
	}
	return strconv.Itoa(a)
}

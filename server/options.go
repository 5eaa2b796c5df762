package server

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"time"

	"github.com/logdb/logdb/query"
)

// DefaultAddr is the address logdb serve listens on by default: loopback
// only, so that nothing is exposed until a token is set.
const DefaultAddr = "127.0.0.1:7379"

// Defaults of Options.
const (
	DefaultMaxConns        = 256
	DefaultMaxInlineBytes  = 64 << 10
	DefaultMaxRequestBytes = 64 << 20
	DefaultMaxArgs         = 1 << 20
	DefaultReadTimeout     = 30 * time.Second
	DefaultIdleTimeout     = 5 * time.Minute
	DefaultWriteTimeout    = 30 * time.Second
	DefaultRate            = 20 // requests per second per connection, as GetInstanceLog allows
	DefaultQueryTimeout    = 30 * time.Second
	DefaultMaxSubs         = 16
	DefaultMaxCount        = 100_000
	DefaultMaxReplyBytes   = 32 << 20
	DefaultAuthFailures    = 5
	DefaultAuthBackoff     = time.Second
	DefaultAuthMaxBackoff  = 5 * time.Minute
	DefaultAuthFailureRate = 10 // failed AUTHs per second, all addresses together
)

// Options configure a Server. The zero value of every field means its
// default. Durations and rates take a negative value to mean "no limit",
// except AuthBackoff and AuthMaxBackoff (set AuthFailures negative).
type Options struct {
	// AuthToken, if set, must be given with AUTH (or HELLO … AUTH) before
	// any other command. Without it Serve refuses a listener on anything
	// but a loopback address. Default: none.
	AuthToken string

	// AuthFailures is how many failed AUTHs (a wrong token, with AUTH or
	// HELLO … AUTH) one client address may make before it has to wait:
	// after that many, every AUTH from the address is refused, without
	// its token being compared, for AuthBackoff, and each failure after a
	// wait doubles the next one, up to AuthMaxBackoff. A successful AUTH
	// starts the count afresh. An address is the client's IP, whatever
	// its port; for IPv6, its /64 network. Default 5; negative: no limit
	// per address.
	AuthFailures int

	// AuthBackoff is the first wait of an address that reached
	// AuthFailures. Default 1s.
	AuthBackoff time.Duration

	// AuthMaxBackoff bounds the wait, which doubles with each further
	// failure; an address with no failure and no wait for that long is
	// forgotten. Default 5m.
	AuthMaxBackoff time.Duration

	// AuthFailureRate is the most failed AUTHs per second from all
	// addresses together, with bursts of as many (at least 1): while it
	// is spent, every AUTH is refused, also with the right token, until
	// the budget refills, so that many addresses cannot guess faster than
	// one. Default 10; negative: no global limit.
	AuthFailureRate float64

	// TLSConfig, if set, makes ListenAndServe speak TLS. (Serve uses the
	// listener it is given; wrap it with tls.NewListener.)
	TLSConfig *tls.Config

	// MaxConns is the most connections served at once; one more is
	// answered "-ERR max number of clients reached" and closed. Default
	// 256.
	MaxConns int

	// MaxInlineBytes is the longest inline command line. Default 64 KiB,
	// as in Redis; longer arguments go in RESP bulk strings.
	MaxInlineBytes int

	// MaxRequestBytes is the most bytes of arguments in one request, such
	// as a batch of lines to append. A larger request is read to its end
	// without being kept and answered with an error. Default 64 MiB.
	MaxRequestBytes int

	// MaxArgs is the most arguments in one request. Default 1,048,576.
	MaxArgs int

	// MaxLineBytes is the longest log line APPEND accepts. Default and
	// upper bound: the engine's Options.MaxLineBytes.
	MaxLineBytes int

	// ReadTimeout is how long a client has to send a whole request once
	// its first byte arrived, so that a client sending a request slowly
	// (slowloris) cannot hold a connection. Default 30s.
	ReadTimeout time.Duration

	// IdleTimeout closes a connection with no request for that long. It
	// does not apply while the connection follows a run (SUBSCRIBE).
	// Default 5m.
	IdleTimeout time.Duration

	// WriteTimeout is how long a reply, or a batch of followed lines, may
	// take to write; a client that does not read is disconnected after
	// it. Default 30s.
	WriteTimeout time.Duration

	// Rate is the most requests per second per connection, with bursts of
	// Burst; a request over it is answered "-RATELIMIT … retry after N ms"
	// and not run, and the connection stays usable. Appends are not
	// counted. Default 20, as GetInstanceLog allows; negative: no limit.
	Rate float64

	// Burst is the token bucket's size. Default: Rate, at least 1.
	Burst int

	// QueryTimeout bounds a QUERY or READ. Default 30s.
	QueryTimeout time.Duration

	// QueryMemory is the most memory the pipes of one QUERY may hold: the
	// groups of "count by", the lines of "sort", the hits of a "context"
	// group (query.Limits.MaxMemory). A query that needs more is answered
	// "-OOM …" naming the pipe. Default: query.DefaultMaxMemory(), 256 MiB
	// or an eighth of the machine's memory if that is less; negative: no
	// limit.
	QueryMemory int64

	// QueryMemoryTotal is the most memory the QUERYs running at once may
	// hold together (a query.MemoryPool); a query that finds it used up is
	// answered "-OOM …" too. Default: query.DefaultPoolMemory(), 512 MiB
	// or a quarter of the machine's memory if that is less, and at least
	// QueryMemory; negative: no limit.
	QueryMemoryTotal int64

	// MaxSubscriptions is the most runs and queries one connection follows
	// at once. Default 16.
	MaxSubscriptions int

	// MaxCount is the largest COUNT of a READ or QUERY page. Default
	// 100,000.
	MaxCount int

	// MaxReplyBytes bounds the message bytes of one READ or QUERY page:
	// a page ends early (with a cursor) when it would exceed it. Default
	// 32 MiB.
	MaxReplyBytes int

	// Version is the version HELLO and INFO report. Default "devel".
	Version string

	// InfoStats, if set, adds key:value lines to the stats section of
	// INFO: the counters of the receivers that append through the server
	// beside it (logdb serve's --http and syslog listeners). It is called
	// on each INFO and must be safe for concurrent use. Default: none.
	InfoStats func(kv func(key string, value any))

	// Logger receives connection errors and shutdown notes. Default
	// slog.Default().
	Logger *slog.Logger
}

func (o *Options) ensureDefaults() {
	setInt := func(p *int, def int) {
		if *p == 0 {
			*p = def
		}
	}
	setInt(&o.MaxConns, DefaultMaxConns)
	setInt(&o.MaxInlineBytes, DefaultMaxInlineBytes)
	setInt(&o.MaxRequestBytes, DefaultMaxRequestBytes)
	setInt(&o.MaxArgs, DefaultMaxArgs)
	setInt(&o.MaxSubscriptions, DefaultMaxSubs)
	setInt(&o.MaxCount, DefaultMaxCount)
	setInt(&o.MaxReplyBytes, DefaultMaxReplyBytes)
	setDur := func(p *time.Duration, def time.Duration) {
		if *p == 0 {
			*p = def
		}
	}
	setDur(&o.ReadTimeout, DefaultReadTimeout)
	setDur(&o.IdleTimeout, DefaultIdleTimeout)
	setDur(&o.WriteTimeout, DefaultWriteTimeout)
	setDur(&o.QueryTimeout, DefaultQueryTimeout)
	setDur(&o.AuthBackoff, DefaultAuthBackoff)
	setDur(&o.AuthMaxBackoff, DefaultAuthMaxBackoff)
	setInt(&o.AuthFailures, DefaultAuthFailures)
	if o.AuthFailureRate == 0 {
		o.AuthFailureRate = DefaultAuthFailureRate
	}
	if o.QueryMemory == 0 {
		o.QueryMemory = query.DefaultMaxMemory()
	}
	if o.QueryMemoryTotal == 0 {
		o.QueryMemoryTotal = max(query.DefaultPoolMemory(), o.QueryMemory)
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.Burst == 0 {
		o.Burst = max(1, int(o.Rate))
	}
	if o.Version == "" {
		o.Version = "devel"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

func (o *Options) validate() error {
	switch {
	case o.MaxConns < 1:
		return fmt.Errorf("server: MaxConns %d must be at least 1", o.MaxConns)
	case o.MaxInlineBytes < 64:
		return fmt.Errorf("server: MaxInlineBytes %d must be at least 64", o.MaxInlineBytes)
	case o.MaxRequestBytes < 1024:
		return fmt.Errorf("server: MaxRequestBytes %d must be at least 1024", o.MaxRequestBytes)
	case o.MaxArgs < 8:
		return fmt.Errorf("server: MaxArgs %d must be at least 8", o.MaxArgs)
	case o.MaxLineBytes < 0:
		return fmt.Errorf("server: MaxLineBytes %d must not be negative", o.MaxLineBytes)
	case o.Burst < 1:
		return fmt.Errorf("server: Burst %d must be at least 1", o.Burst)
	case o.QueryMemory > 0 && o.QueryMemoryTotal > 0 && o.QueryMemoryTotal < o.QueryMemory:
		return fmt.Errorf("server: QueryMemoryTotal %d must be at least QueryMemory %d", o.QueryMemoryTotal, o.QueryMemory)
	case o.AuthBackoff < 0 || o.AuthMaxBackoff < o.AuthBackoff:
		return fmt.Errorf("server: AuthBackoff %v must be positive and at most AuthMaxBackoff %v", o.AuthBackoff, o.AuthMaxBackoff)
	case o.MaxSubscriptions < 1 || o.MaxCount < 1 || o.MaxReplyBytes < 1024:
		return fmt.Errorf("server: MaxSubscriptions, MaxCount and MaxReplyBytes must be positive (MaxReplyBytes at least 1024)")
	}
	return nil
}

// timeout returns d, or 0 (none) for a negative d.
func timeout(d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	return d
}

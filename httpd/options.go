package httpd

import (
	"crypto/tls"
	"log/slog"
	"time"
)

// Defaults of Options.
const (
	DefaultMaxRequestBytes = 64 << 20
	DefaultReadTimeout     = 30 * time.Second
	DefaultIdleTimeout     = 5 * time.Minute
)

// Options tune a Server. The zero value of every field means its default.
type Options struct {
	// AuthToken, if set, must come with every request: as a bearer token,
	// the password of basic auth, or an Elasticsearch API key. Without it
	// Serve refuses a listener on anything but a loopback address. It is
	// the RESP server's token. Default: none.
	AuthToken string

	// MaxRequestBytes is the largest request body, counted after its
	// Content-Encoding is decoded (see ReadBody). Default 64 MiB.
	MaxRequestBytes int64

	// ReadTimeout bounds reading a request, body included. Default 30s.
	ReadTimeout time.Duration

	// IdleTimeout closes keep-alive connections idle that long. Default
	// 5m.
	IdleTimeout time.Duration

	// TLSConfig, if set, serves HTTPS. Default: plain HTTP.
	TLSConfig *tls.Config

	// Logger receives connection errors. Default slog.Default().
	Logger *slog.Logger
}

func (o *Options) ensureDefaults() {
	if o.MaxRequestBytes <= 0 {
		o.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

package httpd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
)

// A Server is logdb's HTTP listener: a mux on which handlers are mounted
// (the push receivers of package insert, later the console and its API),
// behind the token check and the request size limit every handler shares.
// Mount handlers before Serve. It is safe for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux
	hs   *http.Server
}

// New returns a server with options opts (nil for defaults).
func New(opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.ensureDefaults()
	s := &Server{opts: o, mux: http.NewServeMux()}
	s.hs = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: o.ReadTimeout,
		ReadTimeout:       o.ReadTimeout,
		IdleTimeout:       o.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
		TLSConfig:         o.TLSConfig,
	}
	return s
}

// Options returns the options in use, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Handle mounts h on pattern, a net/http ServeMux pattern such as
// "POST /insert/jsonline" or "GET /api/v1/runs/{job}".
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// HandleFunc mounts f on pattern.
func (s *Server) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	s.mux.HandleFunc(pattern, f)
}

// ServeHTTP checks the token and the size of the body, then passes r to
// the handler mounted for it. A request without the token is answered 401
// with a plain-text reason.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.AuthToken != "" && !authorized(r, s.opts.AuthToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="logdb", Basic realm="logdb"`)
		http.Error(w, "missing or wrong token: send Authorization: Bearer <token> (logdb serve --auth-token)", http.StatusUnauthorized)
		return
	}
	// Compressed bodies are limited again once decoded (ReadBody); this
	// bounds what is read off the wire.
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxRequestBytes)
	s.mux.ServeHTTP(w, r)
}

// Serve accepts connections on l, with TLS if Options.TLSConfig is set,
// until Shutdown; it then returns ErrServerClosed. A listener that is not
// on a loopback address without Options.AuthToken is refused with
// ErrInsecureListen.
func (s *Server) Serve(l net.Listener) error {
	if s.opts.AuthToken == "" && !isLoopback(l.Addr()) {
		l.Close()
		return fmt.Errorf("%w: %s (set a token: --auth-token or $LOGDB_TOKEN)", ErrInsecureListen, l.Addr())
	}
	if s.opts.TLSConfig != nil {
		l = tls.NewListener(l, s.opts.TLSConfig)
	}
	err := s.hs.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return ErrServerClosed
	}
	return err
}

// Shutdown stops accepting, lets the requests under way finish (an
// append is acknowledged or refused, never half-written) and closes idle
// connections; when ctx ends first it closes the rest and returns ctx's
// error.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.hs.Shutdown(ctx)
	if err != nil {
		s.hs.Close()
	}
	return err
}

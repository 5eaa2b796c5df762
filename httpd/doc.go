// Package httpd is logdb's HTTP listener: one net/http server on which
// handlers are mounted, behind what they all share (the token, the size of
// a request, compressed bodies).
//
//	s := httpd.New(&httpd.Options{AuthToken: token})
//	receiver.Mount(s) // POST /insert/jsonline, /_bulk, /loki/api/v1/push, /v1/logs
//	go s.Serve(l)
//	…
//	s.Shutdown(ctx)
//
// # Basics
//
// Server.Handle mounts a handler on a Go 1.22 ServeMux pattern
// ("POST /insert/jsonline"); the push receivers (package insert) mount
// theirs, and so can any later surface on the same port. ReadBody reads a
// request's body whole, decoding gzip, deflate, zstd or snappy as its
// Content-Encoding says, within Options.MaxRequestBytes uncompressed.
//
// # Caveats
//
// With Options.AuthToken set, every request must carry it (bearer, basic
// auth password, or Elasticsearch ApiKey); without one, Serve refuses any
// address but loopback, as the RESP server does. Failed tokens are not
// rate-limited here as the RESP server's AUTH is: put the listener behind
// TLS and a long token.
package httpd

package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/logdb/logdb/httpd"
	"github.com/logdb/logdb/insert"
	"github.com/logdb/logdb/server"
)

// receiverListeners are the sockets of logdb serve's push receivers
// (--http, --syslog-udp, --syslog-tcp, --syslog-tls), opened before the
// directory as the RESP listener is; a nil one is off.
type receiverListeners struct {
	http     net.Listener
	udp      net.PacketConn
	tcp, tls net.Listener
}

// listenReceivers opens the receivers' sockets. An HTTP address that is
// not loopback needs a token, as the RESP one does; syslog carries none.
func listenReceivers(s *serveOptions, token string) (*receiverListeners, error) {
	rl := &receiverListeners{}
	var err error
	listen := func(flag, addr string) net.Listener {
		if addr == "" || err != nil {
			return nil
		}
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err != nil {
			err = fmt.Errorf("--%s: %w", flag, err)
		}
		return l
	}
	rl.http = listen("http", s.http)
	rl.tcp = listen("syslog-tcp", s.syslogTCP)
	rl.tls = listen("syslog-tls", s.syslogTLS)
	if err == nil && s.syslogUDP != "" {
		if rl.udp, err = net.ListenPacket("udp", s.syslogUDP); err != nil {
			err = fmt.Errorf("--syslog-udp: %w", err)
		}
	}
	if err == nil && rl.http != nil && token == "" {
		if tcp, ok := rl.http.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
			err = fmt.Errorf("refusing to listen on %s (--http) without a token: anyone who can reach it could write the logs; set --auth-token or $LOGDB_TOKEN", s.http)
		}
	}
	if err != nil {
		rl.close()
		return nil, err
	}
	return rl, nil
}

// any reports whether a receiver is on.
func (rl *receiverListeners) any() bool {
	return rl.http != nil || rl.udp != nil || rl.tcp != nil || rl.tls != nil
}

// close closes the sockets not yet served.
func (rl *receiverListeners) close() {
	for _, c := range []interface{ Close() error }{rl.http, rl.udp, rl.tcp, rl.tls} {
		if c != nil {
			c.Close()
		}
	}
}

// serve starts each receiver, printing its address, and returns the HTTP
// server (nil without --http) and a channel that gets the first error a
// receiver stops with (not after Shutdown or Close).
func (rl *receiverListeners) serve(m *Main, rc *insert.Receiver, o *server.Options) (*httpd.Server, <-chan error) {
	errc := make(chan error, 4)
	if !rl.any() {
		return nil, errc
	}
	var hs *httpd.Server
	if rl.http != nil {
		hs = httpd.New(&httpd.Options{AuthToken: o.AuthToken, MaxRequestBytes: int64(o.MaxRequestBytes), TLSConfig: o.TLSConfig})
		rc.Mount(hs)
		scheme := "http"
		if o.TLSConfig != nil {
			scheme = "https"
		}
		fmt.Fprintf(m.Stderr, "logdb: receiving pushed logs on %s://%s (/insert/jsonline, /_bulk, /loki/api/v1/push, /v1/logs)\n", scheme, rl.http.Addr())
		go func() {
			if err := hs.Serve(rl.http); !errors.Is(err, httpd.ErrServerClosed) {
				errc <- fmt.Errorf("--http: %w", err)
			}
		}()
	}
	var syslogs []string
	if rl.udp != nil {
		syslogs = append(syslogs, "udp "+rl.udp.LocalAddr().String())
		go func() {
			if err := rc.ServeSyslogUDP(rl.udp); err != nil {
				errc <- fmt.Errorf("--syslog-udp: %w", err)
			}
		}()
	}
	for _, sl := range []struct {
		name string
		l    net.Listener
	}{{"tcp", rl.tcp}, {"tls", rl.tls}} {
		if sl.l == nil {
			continue
		}
		syslogs = append(syslogs, sl.name+" "+sl.l.Addr().String())
		l := sl.l
		if sl.name == "tls" {
			l = tls.NewListener(l, o.TLSConfig)
		}
		go func() {
			if err := rc.ServeSyslogTCP(l); err != nil {
				errc <- fmt.Errorf("--syslog-%s: %w", sl.name, err)
			}
		}()
	}
	if len(syslogs) > 0 {
		fmt.Fprintf(m.Stderr, "logdb: receiving syslog on %s\n", strings.Join(syslogs, ", "))
	}
	return hs, errc
}

// listFlag returns a flag.Func setter of a comma-separated list.
func listFlag(to *[]string) func(string) error {
	return func(v string) error {
		*to = nil
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				*to = append(*to, f)
			}
		}
		return nil
	}
}

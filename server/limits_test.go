package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/server"
)

// Ensure that requests over the rate limit are answered with a RATELIMIT
// error saying when to retry, are not run, and leave the connection
// usable; that appends are not counted; and that the client waits and
// retries by itself.
func TestServer_RateLimit(t *testing.T) {
	ts := startServer(t, &server.Options{Rate: 10, Burst: 3})
	r := ts.raw(t)
	r.send(strings.Repeat("APPEND j 0 x\r\n", 20))
	for i := 0; i < 20; i++ {
		if got := r.reply(); !strings.HasPrefix(got, "[:") {
			t.Fatalf("append %d over the rate: %s", i+1, got)
		}
	}
	r.send(strings.Repeat("READ j 0\r\n", 6))
	var ok, limited int
	for i := 0; i < 6; i++ {
		got := r.reply()
		switch {
		case strings.HasPrefix(got, "[") && !strings.HasPrefix(got, "[:"):
			ok++
		case strings.HasPrefix(got, "-RATELIMIT too many requests (limit 10/s per connection); retry after ") && strings.HasSuffix(got, " ms"):
			limited++
		default:
			t.Fatalf("reply %s", got)
		}
	}
	if ok != 3 || limited != 3 {
		t.Fatalf("%d run, %d limited; want 3 and 3", ok, limited)
	}
	if info, err := ts.db.Run(ctx, "j", 0); err != nil || info.Lines != 20 {
		t.Fatalf("run j: %+v %v, want 20 lines", info, err)
	}
	time.Sleep(150 * time.Millisecond)
	r.send("PING\r\n")
	if got := r.reply(); got != "+PONG" {
		t.Fatalf("after waiting: %s", got)
	}
	// The client retries after the wait the server names.
	c := ts.dial(t, nil)
	start := time.Now()
	for i := 0; i < 8; i++ {
		if err := c.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Fatalf("8 pings at 10/s with a burst of 3 took only %v", d)
	}
	// Without retries the error comes back and matches ErrRateLimited.
	c2 := ts.dial(t, &client.Options{RateLimitRetries: -1})
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		err = c2.Ping(ctx)
	}
	var ce *client.Error
	if !errors.Is(err, client.ErrRateLimited) || !errors.As(err, &ce) || ce.RetryAfter() <= 0 {
		t.Fatalf("err %v", err)
	}
}

// Ensure that a connection over MaxConns is told so and closed, and that
// a slot frees up when a client leaves.
func TestServer_MaxConns(t *testing.T) {
	ts := startServer(t, &server.Options{Rate: -1, MaxConns: 2})
	a, b := ts.raw(t), ts.raw(t)
	for _, r := range []*rawConn{a, b} {
		r.send("PING\r\n")
		if got := r.reply(); got != "+PONG" {
			t.Fatal(got)
		}
	}
	c := ts.raw(t)
	if got := c.reply(); got != "-ERR max number of clients reached" {
		t.Fatalf("third connection: %s", got)
	}
	c.expectClosed()
	a.nc.Close()
	for i := 0; ; i++ {
		d := ts.raw(t)
		d.send("PING\r\n")
		if got := d.reply(); got == "+PONG" {
			break
		} else if i == 50 {
			t.Fatalf("no slot after a client left: %s", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Ensure that a client sending half a request (slowloris), trickling it,
// or sending nothing at all is cut off after the read timeout, and that an
// idle client is closed after the idle timeout, while a follower is not.
func TestServer_Timeouts(t *testing.T) {
	ts := startServer(t, &server.Options{Rate: -1, ReadTimeout: 300 * time.Millisecond, IdleTimeout: 400 * time.Millisecond})

	half := ts.raw(t)
	start := time.Now()
	half.send("*3\r\n$6\r\nAPPEND\r\n$3\r\njo")
	if got := half.reply(); !strings.HasPrefix(got, "-ERR read timeout: the request did not arrive whole within 300ms") {
		t.Fatalf("half a request: %s", got)
	}
	half.expectClosed()
	if d := time.Since(start); d < 250*time.Millisecond || d > 3*time.Second {
		t.Fatalf("cut off after %v", d)
	}

	trickle := ts.raw(t)
	start = time.Now()
	go func() {
		for _, b := range []byte("PING and more and more\r\n") {
			if _, err := trickle.nc.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	if got := trickle.reply(); !strings.HasPrefix(got, "-ERR read timeout") {
		t.Fatalf("trickle: %s", got)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("trickle cut off after %v", d)
	}

	// A connection that never sends a request has the read timeout.
	silent := ts.raw(t)
	start = time.Now()
	silent.expectClosed()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("silent connection closed after %v", d)
	}

	idle := ts.raw(t)
	idle.send("PING\r\n")
	idle.reply()
	start = time.Now()
	idle.expectClosed()
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("idle connection closed after %v", d)
	}

	follower := ts.raw(t)
	follower.send("SUBSCRIBE run:slow:0\r\n")
	follower.reply()
	time.Sleep(700 * time.Millisecond)
	c := ts.dial(t, nil)
	if _, err := c.AppendText(ctx, "slow", 0, "after a while"); err != nil {
		t.Fatal(err)
	}
	if got := follower.reply(); !strings.Contains(got, "after a while") {
		t.Fatalf("follower: %s", got)
	}
}

// Ensure that a follower that does not read is disconnected after the
// write timeout instead of holding the server.
func TestServer_WriteTimeout(t *testing.T) {
	db := testutil.MustOpenDB(t, &engine.Options{NoSync: true})
	ts := serveDB(t, db, &server.Options{Rate: -1, WriteTimeout: 200 * time.Millisecond})
	stuck := ts.raw(t)
	stuck.send("SUBSCRIBE run:flood:0\r\n")
	stuck.reply()
	msg := strings.Repeat("x", 1000)
	c := ts.dial(t, nil)
	batch := make([]engine.Entry, 1000)
	for i := range batch {
		batch[i] = engine.Entry{Job: "flood", Message: msg}
	}
	for i := 0; i < 100; i++ {
		if _, err := c.Append(ctx, batch...); err != nil {
			t.Fatal(err)
		}
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info["connected_clients"] == "1" {
			return // the stuck follower was dropped
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("a follower that does not read was not disconnected")
}

// Ensure that a query is cancelled when its client hangs up, and that a
// query over the query timeout is answered with TIMEOUT.
func TestServer_QueryCancel(t *testing.T) {
	errs := make(chan error, 10)
	server.SetQueryHook(func(err error) { errs <- err })
	t.Cleanup(func() { server.SetQueryHook(nil) })
	db := testutil.MustOpenDB(t, &engine.Options{NoSync: true, NoIndexer: true})
	batch := make([]engine.Entry, 10000)
	for i := 0; i < 40; i++ {
		for k := range batch {
			batch[k] = engine.Entry{Job: fmt.Sprintf("job-%d", k%50), Message: fmt.Sprintf("line %d of batch %d with some words to scan through", k, i)}
		}
		if _, err := db.Append(ctx, batch...); err != nil {
			t.Fatal(err)
		}
	}
	ts := serveDB(t, db, nil)
	r := ts.raw(t)
	// A count of 400,000 distinct messages reads every line and groups
	// them all: long enough to be running at the hang-up (a regex that
	// matched nothing is now ruled out block by block in a few ms).
	r.send("QUERY \"| count by msg\"\r\n")
	time.Sleep(10 * time.Millisecond)
	r.nc.Close()
	select {
	case err := <-errs:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("query after hang-up ended with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("query not done")
	}

	ts2 := serveDB(t, db, &server.Options{Rate: -1, QueryTimeout: time.Nanosecond})
	c := ts2.dial(t, nil)
	_, err := c.Do(ctx, "QUERY", "/zz[0-9]+qq/")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Code != "TIMEOUT" {
		t.Fatalf("query over the timeout: %v", err)
	}
	if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hook: %v", err)
	}
}

// Ensure that Serve refuses a listener on a non-loopback address without
// a token, and serves it with one.
func TestServer_NonLoopbackNeedsToken(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	srv, err := server.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skipf("cannot listen on 0.0.0.0: %v", err)
	}
	if err := srv.Serve(l); !errors.Is(err, server.ErrInsecureListen) {
		t.Fatalf("Serve on %s without a token: %v", l.Addr(), err)
	}
	srv2, err := server.New(db, &server.Options{AuthToken: "t0ken"})
	if err != nil {
		t.Fatal(err)
	}
	l, err = net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv2.Serve(l) }()
	port := l.Addr().(*net.TCPAddr).Port
	c, err := client.Dial(ctx, fmt.Sprintf("127.0.0.1:%d", port), &client.Options{Token: "t0ken"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	c.Close()
	srv2.Shutdown(ctx)
	if err := <-done; !errors.Is(err, server.ErrServerClosed) {
		t.Fatal(err)
	}
}

// Ensure that with a token every command but AUTH, HELLO and QUIT needs
// AUTH first, that a wrong token is refused, and that clients
// authenticate with AUTH or HELLO … AUTH.
func TestServer_Auth(t *testing.T) {
	ts := startServer(t, &server.Options{Rate: -1, AuthToken: "s3cret"})
	r := ts.raw(t)
	for _, tt := range []struct{ req, want string }{
		{"PING\r\n", "-NOAUTH Authentication required."},
		{"READ a 0\r\n", "-NOAUTH Authentication required."},
		{"HELLO 2\r\n", "-NOAUTH HELLO must be called with the client already authenticated"},
		{"AUTH wrong\r\n", "-WRONGPASS invalid token"},
		{"PING\r\n", "-NOAUTH"},
		{"AUTH default s3cret\r\n", "+OK"},
		{"PING\r\n", "+PONG"},
		{"AUTH nope\r\n", "-WRONGPASS"},
		{"PING\r\n", "-NOAUTH"},
		{"HELLO 2 AUTH default s3cret\r\n", `["server" "logdb"`},
		{"PING\r\n", "+PONG"},
	} {
		r.send(tt.req)
		if got := r.reply(); !strings.HasPrefix(got, tt.want) {
			t.Fatalf("%q: got %s, want %s…", tt.req, got, tt.want)
		}
	}
	if _, err := client.Dial(ctx, ts.addr, &client.Options{Token: "bad"}); !errors.Is(err, client.ErrAuth) {
		t.Fatalf("bad token: %v", err)
	}
	c := ts.dial(t, &client.Options{Token: "s3cret"})
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := c.Follow(ctx, engine.ReadRequest{Job: "x", Attempt: 0})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	nc := ts.dial(t, nil)
	if err := nc.Ping(ctx); !errors.Is(err, client.ErrAuth) {
		t.Fatalf("no token: %v", err)
	}
}

// Ensure that the server speaks TLS with a certificate made here, and
// that the client verifies it.
func TestServer_TLS(t *testing.T) {
	cert, pool := selfSigned(t)
	db := testutil.MustOpenDB(t, nil)
	srv, err := server.New(db, &server.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}})) }()
	defer func() {
		srv.Shutdown(ctx)
		<-done
	}()
	c, err := client.Dial(ctx, l.Addr().String(), &client.Options{TLSConfig: &tls.Config{RootCAs: pool}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.AppendText(ctx, "secure", 0, "over TLS"); err != nil {
		t.Fatal(err)
	}
	p, err := c.Read(ctx, engine.ReadRequest{Job: "secure", Attempt: 0})
	if err != nil || len(p.Entries) != 1 || p.Entries[0].Message != "over TLS" {
		t.Fatalf("read over TLS: %+v %v", p, err)
	}
	// An unknown certificate is refused by the client.
	if _, err := client.Dial(ctx, l.Addr().String(), &client.Options{TLSConfig: &tls.Config{}}); err == nil {
		t.Fatal("an unverified certificate was accepted")
	}
	// A plaintext client gets nothing sensible and no data.
	raw, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	raw.Write([]byte("PING\r\n"))
	raw.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, _ := raw.Read(buf)
	raw.Close()
	if strings.Contains(string(buf[:n]), "PONG") {
		t.Fatal("plaintext PING answered on a TLS port")
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "logdb test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

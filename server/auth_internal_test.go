package server

import (
	"net"
	"strings"
	"testing"
	"time"
)

// Ensure that the token compare tells tokens of every length apart,
// including prefixes, extensions and the empty token.
func TestTokenMatches(t *testing.T) {
	long := strings.Repeat("s3cret", 1000)
	for _, tt := range []struct {
		token, want string
		ok          bool
	}{
		{"s3cret", "s3cret", true},
		{long, long, true},
		{"", "s3cret", false},
		{"s", "s3cret", false},
		{"s3cre", "s3cret", false},
		{"s3cretX", "s3cret", false},
		{"s3cret\x00", "s3cret", false},
		{long, "s3cret", false},
		{"s3cret", long, false},
		{long[:len(long)-1], long, false},
		{"S3CRET", "s3cret", false},
	} {
		if got := tokenMatches([]byte(tt.token), tt.want); got != tt.ok {
			t.Errorf("tokenMatches(%.20q (%d bytes), %.20q (%d bytes)) = %v, want %v", tt.token, len(tt.token), tt.want, len(tt.want), got, tt.ok)
		}
	}
}

// Ensure that failed AUTHs are counted by IP whatever the port, IPv4
// mapped into IPv6 as IPv4, and IPv6 by /64 network.
func TestAuthAddr(t *testing.T) {
	tcp := func(s string) net.Addr {
		a, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, tt := range []struct {
		addr net.Addr
		want string
	}{
		{tcp("127.0.0.1:1"), "127.0.0.1"},
		{tcp("127.0.0.1:65000"), "127.0.0.1"},
		{tcp("[::ffff:10.0.0.1]:5"), "10.0.0.1"},
		{tcp("[2001:db8::1]:5"), "2001:db8::/64"},
		{tcp("[2001:db8::ffff:1]:6"), "2001:db8::/64"},
		{tcp("[2001:db8:0:1::1]:6"), "2001:db8:0:1::/64"},
		{tcp("[fe80::1%lo]:7"), "fe80::/64"},
		{tcp("[::1]:7"), "::/64"},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, "unix"},
		{nil, "local"},
	} {
		if got := authAddr(tt.addr); got != tt.want {
			t.Errorf("authAddr(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

// Ensure that the window doubles from AuthBackoff and stops at
// AuthMaxBackoff.
func TestAuthLimiter_Window(t *testing.T) {
	l := newAuthLimiter(&Options{AuthFailures: 5, AuthBackoff: time.Second, AuthMaxBackoff: 5 * time.Minute})
	for n, want := range map[int]time.Duration{0: time.Second, 1: 2 * time.Second, 8: 256 * time.Second, 9: 5 * time.Minute, 1000: 5 * time.Minute} {
		if got := l.window(n); got != want {
			t.Errorf("window(%d) = %v, want %v", n, got, want)
		}
	}
}

// Ensure that addresses are forgotten once quiet for AuthMaxBackoff, so
// that the limiter's memory stays bounded.
func TestAuthLimiter_Forget(t *testing.T) {
	now := time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC)
	l := newAuthLimiter(&Options{AuthFailures: 1, AuthBackoff: time.Second, AuthMaxBackoff: time.Minute, AuthFailureRate: -1})
	l.mu.now = func() time.Time { return now }
	for _, a := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		if err := l.begin(a); err != nil {
			t.Fatal(err)
		}
		l.end(a, false)
	}
	if err := l.begin("10.0.0.1"); err == nil {
		t.Fatal("no window after a failure")
	}
	now = now.Add(time.Second + time.Minute)
	if err := l.begin("10.0.0.1"); err != nil {
		t.Fatalf("after the window and a quiet minute: %v", err)
	}
	l.end("10.0.0.4", false) // prunes
	if n := len(l.mu.addrs); n != 1 {
		t.Fatalf("%d addresses remembered, want 1 (the latest)", n)
	}
	if l.mu.addrs["10.0.0.4"].failures != 1 {
		t.Fatalf("10.0.0.4: %+v", l.mu.addrs["10.0.0.4"])
	}
}

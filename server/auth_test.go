package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/server"
)

// A fakeClock is the time the limit on failed AUTHs reads in these tests,
// so that its windows pass when a test says, not when the machine gets
// round to it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// authStep is one request on a fresh connection, after moving the clock
// on, and the start of the reply it must get.
type authStep struct {
	advance time.Duration
	req     string
	want    string
}

// runAuthSteps sends each step's request on a new connection from
// 127.0.0.1, a new port each time.
func runAuthSteps(t *testing.T, ts *testServer, clock *fakeClock, steps []authStep) {
	t.Helper()
	for i, s := range steps {
		clock.advance(s.advance)
		r := ts.raw(t)
		r.send(s.req + "\r\n")
		if got := r.reply(); !strings.HasPrefix(got, s.want) {
			t.Fatalf("step %d, %q: got %s, want %s…", i, s.req, got, s.want)
		}
		r.nc.Close()
	}
}

const (
	wrongPass   = "-WRONGPASS invalid token"
	refusedAddr = "-ERR too many failed AUTH attempts from 127.0.0.1; retry after "
	refusedAll  = "-ERR too many failed AUTH attempts on this server; retry after "
)

// Ensure that 100 wrong AUTHs on fresh connections from one address, with
// the default limits, have 5 tokens compared and the other 95 refused for
// the first window, and that the right token works once it has passed.
func TestServer_AuthLimit_Defaults(t *testing.T) {
	ts := startServer(t, &server.Options{Rate: -1, AuthToken: "s3cret"})
	clock := newFakeClock()
	ts.srv.SetAuthClock(clock.now)
	var wrong, refused int
	for i := 0; i < 100; i++ {
		r := ts.raw(t)
		r.send("AUTH guess" + strconv.Itoa(i) + "\r\n")
		switch got := r.reply(); {
		case got == wrongPass:
			wrong++
		case got == refusedAddr+"1 s":
			refused++
		default:
			t.Fatalf("AUTH %d: %s", i, got)
		}
		r.nc.Close()
	}
	if wrong != server.DefaultAuthFailures || refused != 100-server.DefaultAuthFailures {
		t.Fatalf("%d compared and %d refused, want %d and %d", wrong, refused, server.DefaultAuthFailures, 100-server.DefaultAuthFailures)
	}
	runAuthSteps(t, ts, clock, []authStep{
		{0, "AUTH s3cret", refusedAddr + "1 s"},
		{server.DefaultAuthBackoff, "AUTH s3cret", "+OK"},
	})
}

// Ensure that after AuthFailures wrong AUTHs an address is refused, the
// right token too and HELLO … AUTH too, for windows that double with each
// further failure up to AuthMaxBackoff; that the right token works after
// the window; that success starts the count afresh; that another address
// is not affected; and that INFO counts failures and refusals.
func TestServer_AuthLimit_Backoff(t *testing.T) {
	ts := startServer(t, &server.Options{Rate: -1, AuthToken: "s3cret",
		AuthFailures: 3, AuthBackoff: time.Second, AuthMaxBackoff: 4 * time.Second, AuthFailureRate: -1})
	clock := newFakeClock()
	ts.srv.SetAuthClock(clock.now)
	runAuthSteps(t, ts, clock, []authStep{
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH default wrong", wrongPass},
		{0, "HELLO 2 AUTH default wrong", wrongPass}, // the third: a 1 s window
		{0, "AUTH wrong", refusedAddr + "1 s"},
		{0, "AUTH s3cret", refusedAddr + "1 s"},
		{0, "HELLO 2 AUTH default s3cret", refusedAddr + "1 s"},
		{999 * time.Millisecond, "AUTH s3cret", refusedAddr + "1 s"},
		{time.Millisecond, "AUTH wrong", wrongPass}, // 2 s
		{0, "AUTH wrong", refusedAddr + "2 s"},
		{2 * time.Second, "AUTH wrong", wrongPass}, // 4 s
		{time.Second, "AUTH wrong", refusedAddr + "3 s"},
		{3 * time.Second, "AUTH wrong", wrongPass}, // 8 s, capped at 4 s
		{0, "AUTH wrong", refusedAddr + "4 s"},
		{4 * time.Second, "AUTH s3cret", "+OK"}, // clears the count
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH s3cret", "+OK"},
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH wrong", wrongPass}, // three since the success: 1 s again
		{0, "AUTH s3cret", refusedAddr + "1 s"},
	})

	failures, refusals := 11, 8 // of the steps above

	// Another address has its own count.
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	if nc, err := d.Dial("tcp", ts.addr); err != nil {
		t.Logf("cannot dial from 127.0.0.2, not checking another address: %v", err)
	} else {
		r := &rawConn{t: t, nc: nc, br: bufio.NewReader(nc)}
		t.Cleanup(func() { nc.Close() })
		r.send("AUTH wrong\r\nAUTH s3cret\r\n")
		if got := r.reply(); got != wrongPass {
			t.Fatalf("wrong token from 127.0.0.2: %s", got)
		}
		failures++
		if got := r.reply(); got != "+OK" {
			t.Fatalf("right token from 127.0.0.2: %s", got)
		}
	}

	// The client reports the refusal as the server words it.
	_, err := client.Dial(context.Background(), ts.addr, &client.Options{Token: "s3cret"})
	if err == nil || !strings.Contains(err.Error(), "too many failed AUTH attempts from 127.0.0.1; retry after 1 s") {
		t.Fatalf("client.Dial in a window: %v", err)
	}
	refusals++

	clock.advance(time.Second)
	r := ts.raw(t)
	r.send("AUTH s3cret\r\nINFO stats\r\n")
	if got := r.reply(); got != "+OK" {
		t.Fatalf("after the window: %s", got)
	}
	info := r.reply()
	for _, want := range []string{fmt.Sprintf(`auth_failures:%d\r\n`, failures), fmt.Sprintf(`auth_refused:%d\r\n`, refusals)} {
		if !strings.Contains(info, want) {
			t.Errorf("INFO stats lacks %s: %s", want, info)
		}
	}
}

// Ensure that across addresses no more than AuthFailureRate AUTHs fail per
// second: over it every AUTH is refused, the right token too, until the
// budget refills; and that successful AUTHs spend none of it.
func TestServer_AuthLimit_Global(t *testing.T) {
	ts := startServer(t, &server.Options{Rate: -1, AuthToken: "s3cret", AuthFailures: -1, AuthFailureRate: 2})
	clock := newFakeClock()
	ts.srv.SetAuthClock(clock.now)
	runAuthSteps(t, ts, clock, []authStep{
		{0, "AUTH s3cret", "+OK"},
		{0, "AUTH s3cret", "+OK"},
		{0, "AUTH s3cret", "+OK"},
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH wrong", refusedAll + "1 s"},
		{0, "AUTH s3cret", refusedAll + "1 s"},
		{500 * time.Millisecond, "AUTH s3cret", "+OK"}, // one failure's worth back
		{0, "AUTH s3cret", "+OK"},
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH wrong", refusedAll + "1 s"},
		{time.Second, "AUTH wrong", wrongPass},
		{0, "AUTH wrong", wrongPass},
		{0, "AUTH wrong", refusedAll + "1 s"},
	})
}

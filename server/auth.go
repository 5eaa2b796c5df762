package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"strconv"
	"sync"
	"time"
)

// Authentication: AUTH and HELLO … AUTH check the token here, through an
// authLimiter that slows down guessing it. Without one, a client could try
// thousands of tokens a second on fresh connections.
//
// Each client address has a count of failed AUTHs. Once it reaches
// Options.AuthFailures, every further AUTH from the address is refused,
// without its token being compared, for a window of Options.AuthBackoff;
// each failure after a window doubles the next, up to
// Options.AuthMaxBackoff. A successful AUTH forgets the address's
// failures, and so does a quiet AuthMaxBackoff after its last failure or
// window. Across all addresses together, failed AUTHs are held to
// Options.AuthFailureRate per second (a token bucket as big as a second's
// worth): while the budget is spent, every AUTH is refused, so that many
// addresses cannot add up to a fast guesser. A refused AUTH is answered at
// once ("-ERR too many failed AUTH attempts from 127.0.0.1; retry after 2
// s"), not delayed, so that guessers cannot hold connections open.
//
// An address is the client's IP without its port; IPv6 clients are
// counted by their /64 network, which one host usually has whole.

// tokenMatches reports whether token is want, in time that depends on
// neither: comparing SHA-256 digests, which have one length, keeps
// ConstantTimeCompare from returning early on a length mismatch and so
// from telling the token's length.
func tokenMatches(token []byte, want string) bool {
	got := sha256.Sum256(token)
	exp := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(got[:], exp[:]) == 1
}

// checkToken authenticates the connection with token, under the server's
// limit on failed attempts. The user name that Redis clients may send is
// ignored: there is one token.
func (c *conn) checkToken(token []byte) error {
	want := c.srv.opts.AuthToken
	if want == "" {
		return errorf("AUTH called without a token configured on the server (logdb serve --auth-token)")
	}
	addr := authAddr(c.nc.RemoteAddr())
	if err := c.srv.auth.begin(addr); err != nil {
		c.srv.stats.authRefused.Add(1)
		c.authed = false
		return err
	}
	ok := tokenMatches(token, want)
	c.srv.auth.end(addr, ok)
	if !ok {
		c.srv.stats.authFailed.Add(1)
		c.authed = false
		return codeError(codeWrongPass, "invalid token")
	}
	c.authed = true
	return nil
}

// authAddr is the address failed AUTHs are counted by: the IP of a TCP
// client (IPv4-mapped IPv6 as IPv4), the /64 network of an IPv6 one, the
// network's name for anything else (a Unix socket).
func authAddr(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		if a == nil {
			return "local"
		}
		return a.Network()
	}
	ip := ta.AddrPort().Addr().Unmap()
	if ip.Is6() {
		p, err := ip.WithZone("").Prefix(64)
		if err == nil {
			return p.String()
		}
	}
	return ip.String()
}

// An authLimiter counts failed AUTHs per address and for the whole server,
// and refuses AUTHs over the limits; see the comment at the top of this
// file. It is safe for concurrent use.
type authLimiter struct {
	failures   int // per address before a window; < 0: no limit per address
	backoff    time.Duration
	maxBackoff time.Duration

	// mu guards now, addrs, global and pruned.
	mu struct {
		sync.Mutex
		now    func() time.Time // time.Now; tests set a clock
		addrs  map[string]*authRecord
		global bucket // failed AUTHs of every address; rate <= 0: no limit
		pruned time.Time
	}
}

// An authRecord is what an authLimiter knows of one address.
type authRecord struct {
	failures int       // failed AUTHs since the last success
	until    time.Time // AUTH is refused before this
	last     time.Time // the last failure
}

func newAuthLimiter(o *Options) *authLimiter {
	l := &authLimiter{failures: o.AuthFailures, backoff: o.AuthBackoff, maxBackoff: o.AuthMaxBackoff}
	l.mu.now = time.Now
	l.mu.addrs = map[string]*authRecord{}
	l.mu.global = newBucket(o.AuthFailureRate, max(1, int(o.AuthFailureRate)))
	return l
}

// begin is called before a token is compared: it returns the refusal to
// answer if addr, or the server, is over its limit. Otherwise it reserves
// one failure of the global budget, which end gives back on success.
func (l *authLimiter) begin(addr string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.mu.now()
	if r := l.mu.addrs[addr]; r != nil {
		switch {
		case l.expired(r, now):
			delete(l.mu.addrs, addr)
		case now.Before(r.until):
			return errorf("too many failed AUTH attempts from %s; retry after %s", addr, retrySeconds(r.until.Sub(now)))
		}
	}
	if ok, wait := l.mu.global.take(now); !ok {
		return errorf("too many failed AUTH attempts on this server; retry after %s", retrySeconds(wait))
	}
	return nil
}

// end records the outcome of a compare that begin allowed.
func (l *authLimiter) end(addr string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok {
		l.mu.global.refund()
		delete(l.mu.addrs, addr)
		return
	}
	now := l.mu.now()
	if l.failures < 0 {
		return
	}
	r := l.mu.addrs[addr]
	if r == nil {
		r = &authRecord{}
		l.mu.addrs[addr] = r
	}
	r.failures++
	r.last = now
	if n := r.failures - l.failures; n >= 0 {
		r.until = now.Add(l.window(n))
	}
	l.pruneLocked(now)
}

// window is the wait after the n-th failure past the allowed ones:
// backoff doubled n times, at most maxBackoff.
func (l *authLimiter) window(n int) time.Duration {
	d := l.backoff
	for ; n > 0 && d < l.maxBackoff; n-- {
		d *= 2
	}
	return min(d, l.maxBackoff)
}

// expired reports whether r may be forgotten at now: it has had no
// failure and no window for maxBackoff.
func (l *authLimiter) expired(r *authRecord, now time.Time) bool {
	last := r.last
	if r.until.After(last) {
		last = r.until
	}
	return now.Sub(last) >= l.maxBackoff
}

// pruneLocked forgets expired addresses, at most once per maxBackoff, so
// that the map holds only addresses that failed lately: no more than the
// global rate allows in a few maxBackoffs.
func (l *authLimiter) pruneLocked(now time.Time) {
	if now.Sub(l.mu.pruned) < l.maxBackoff {
		return
	}
	l.mu.pruned = now
	for a, r := range l.mu.addrs {
		if l.expired(r, now) {
			delete(l.mu.addrs, a)
		}
	}
}

// retrySeconds renders a wait as whole seconds, rounded up: "1 s".
func retrySeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10) + " s"
}

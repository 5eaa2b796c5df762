package server

import (
	"net"
	"time"
)

// A bucket is a token bucket: it holds up to burst tokens, gains rate per
// second, and each request takes one. It limits one connection and is used
// only by that connection's goroutine.
type bucket struct {
	rate   float64 // tokens per second; <= 0: no limit
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) bucket {
	return bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

// take takes a token at now. When there is none it reports how long until
// there will be one.
func (b *bucket) take(now time.Time) (ok bool, wait time.Duration) {
	if b.rate <= 0 {
		return true, 0
	}
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// refund gives back a token that take took.
func (b *bucket) refund() {
	if b.rate > 0 {
		b.tokens = min(b.burst, b.tokens+1)
	}
}

// isLoopback reports whether a listener's address can only be reached from
// this machine: a loopback IP, or a Unix socket.
func isLoopback(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return false
}

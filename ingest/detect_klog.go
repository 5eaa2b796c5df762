package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// parseKlog parses the header of a klog (Kubernetes glog) line,
//
//	I0915 20:01:48.245569       1 round_trippers.go:466] msg
//
// that is Lmmdd hh:mm:ss.uuuuuu threadid file:line], where L is one of
// I, W, E, F. It fills c, leaving the year 0, and returns the level and
// the bytes taken up to and including the "] ", or 0.
func parseKlog(b []byte, c *civil) (engine.Level, int) {
	if len(b) < 24 || b[5] != ' ' || b[8] != ':' || b[11] != ':' || b[14] != '.' {
		return engine.NoLevel, 0
	}
	var lvl engine.Level
	switch b[0] {
	case 'I':
		lvl = engine.Info
	case 'W':
		lvl = engine.Warn
	case 'E':
		lvl = engine.Error
	case 'F':
		lvl = engine.Fatal
	default:
		return engine.NoLevel, 0
	}
	var ok [5]bool
	*c = civil{}
	c.month, ok[0] = num(b, 1, 2)
	c.day, ok[1] = num(b, 3, 2)
	c.hour, ok[2] = num(b, 6, 2)
	c.min, ok[3] = num(b, 9, 2)
	c.sec, ok[4] = num(b, 12, 2)
	if ok != [5]bool{true, true, true, true, true} {
		return engine.NoLevel, 0
	}
	nsec, n := fraction(b[15:])
	if n == 0 {
		return engine.NoLevel, 0
	}
	c.nsec = nsec
	i := 15 + n
	// Thread id, right-aligned after at least one space.
	j := i
	for j < len(b) && b[j] == ' ' {
		j++
	}
	k := j
	for k < len(b) && isDigit(b[k]) {
		k++
	}
	if j == i || k == j || k >= len(b) || b[k] != ' ' {
		return engine.NoLevel, 0
	}
	// file:line]
	src := b[k+1:]
	if len(src) > 256 {
		src = src[:256]
	}
	end := bytes.IndexByte(src, ']')
	if end < 3 || bytes.IndexByte(src[:end], ' ') >= 0 {
		return engine.NoLevel, 0
	}
	colon := bytes.LastIndexByte(src[:end], ':')
	if colon <= 0 {
		return engine.NoLevel, 0
	}
	if _, ok := atoi(src[colon+1 : end]); !ok {
		return engine.NoLevel, 0
	}
	n = k + 1 + end + 1
	if n < len(b) {
		if b[n] != ' ' {
			return engine.NoLevel, 0
		}
		n++
	}
	return lvl, n
}

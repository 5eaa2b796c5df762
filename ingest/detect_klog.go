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
	i := monthDayClock(b, 1, c)
	if i == 0 {
		return engine.NoLevel, 0
	}
	// Thread id, right-aligned after at least one space.
	k := paddedNumber(b, i)
	if k == 0 || k >= len(b) || b[k] != ' ' {
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
	n := k + 1 + end + 1
	if n < len(b) {
		if b[n] != ' ' {
			return engine.NoLevel, 0
		}
		n++
	}
	return lvl, n
}

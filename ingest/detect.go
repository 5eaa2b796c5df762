package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// headBytes is how much of a line the text detectors look at.
const headBytes = 512

// textDetector finds the time and level of a free-text line. It tries the
// forms below in order and stops at the first that matches; each is a small
// function in a detect_*.go file with its own table test.
//
// Leading timestamp (then the level rules after it):
//  1. `gh run view --log` prefix "job\tstep\t" before an ISO time (skipped)
//  2. ISO 8601 / RFC 3339, also with space, comma, slashes (parseISO)
//  3. the same in square brackets, as log4j and Kafka write it
//  4. klog "I0915 20:01:48.245569 1 file.go:1] " (time and level, no year)
//  5. BSD syslog "Mar 27 13:06:56 host prog[pid]: "; a klog header after it
//     gives time and level, as journald writes the kubelet's log
//
// Level after a timestamp: GitHub "##[error]" markers, a bracketed word
// ("[ERROR]"), a klog header, "word:", a bare upper-case word, and an
// upper-case word between spaces in the next 80 bytes.
//
// Without a leading timestamp: an Apache "[17/May/2015:10:05:03 +0000]"
// in the first 100 bytes gives the time, and the level comes from the
// same rules minus the last (Maven's "[INFO]", Jenkins' "ERROR: ").
//
// The detectors work on the first headBytes of the line with ANSI escape
// sequences and a byte order mark removed.
type textDetector struct {
	clock *clock
	head  []byte // scratch for the ANSI-stripped head
}

// detect returns the time of line in Unix nanoseconds, whether it has one,
// and its level.
func (d *textDetector) detect(line []byte) (t int64, hasTime bool, lvl engine.Level) {
	h := line
	if len(h) > headBytes {
		h = h[:headBytes]
	}
	if bytes.IndexByte(h, 0x1b) >= 0 {
		d.head = stripANSI(d.head[:0], h)
		h = d.head
	}
	h = trimBOM(h)
	if len(h) == 0 {
		return 0, false, engine.NoLevel
	}
	if n := ghLogPrefix(h); n > 0 {
		h = h[n:]
	}

	var c civil
	switch first := h[0]; {
	case isDigit(first):
		if n := parseISO(h, &c); n > 0 {
			return d.clock.unixNano(&c), true, levelAfterTime(h[n:])
		}
	case first == '[':
		if n := parseBracketISO(h, &c); n > 0 {
			return d.clock.unixNano(&c), true, levelAfterTime(h[n:])
		}
	case first == 'I' || first == 'W' || first == 'E' || first == 'F':
		if lvl, n := parseKlog(h, &c); n > 0 && d.clock.yearless(&c) {
			return d.clock.unixNano(&c), true, lvl
		}
	}
	if isUpper(h[0]) {
		if n, msg := parseSyslog(h, &c); n > 0 {
			if t, lvl, ok := d.syslog(h, &c, msg); ok {
				return t, true, lvl
			}
		}
	}

	if findApacheTime(h, &c) {
		t, hasTime = d.clock.unixNano(&c), true
	}
	return t, hasTime, levelAtStart(h)
}

// syslog finishes a syslog line whose time is in c and whose message, if
// any, starts at h[msg:].
// It reports false for a date that no year has, such as 30 February.
func (d *textDetector) syslog(h []byte, c *civil, msg int) (int64, engine.Level, bool) {
	if msg >= 0 {
		var k civil
		if lvl, n := parseKlog(h[msg:], &k); n > 0 && d.clock.yearless(&k) {
			// journald-wrapped klog: the klog header has microseconds.
			return d.clock.unixNano(&k), lvl, true
		}
	}
	if !d.clock.yearless(c) {
		return 0, engine.NoLevel, false
	}
	lvl := engine.NoLevel
	if msg >= 0 {
		lvl = levelAfterTime(h[msg:])
	}
	return d.clock.unixNano(c), lvl, true
}

// levelAfterTime returns the level that the text after a timestamp names.
func levelAfterTime(s []byte) engine.Level {
	s = skipBlanks(s)
	var c civil
	if lvl, n := parseKlog(s, &c); n > 0 {
		return lvl
	}
	if lvl, ok := levelGitHub(s); ok {
		return lvl
	}
	if lvl, ok := levelBracket(s); ok {
		return lvl
	}
	if lvl, ok := levelColon(s); ok {
		return lvl
	}
	if lvl, ok := levelBare(s); ok {
		return lvl
	}
	lvl, _ := levelInline(s)
	return lvl
}

// levelAtStart returns the level of a line without a leading timestamp.
func levelAtStart(s []byte) engine.Level {
	if lvl, ok := levelGitHub(s); ok {
		return lvl
	}
	if lvl, ok := levelBracket(s); ok {
		return lvl
	}
	if lvl, ok := levelColon(s); ok {
		return lvl
	}
	lvl, _ := levelBare(s)
	return lvl
}

package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// headBytes is how much of a line the text detectors look at.
const headBytes = 512

// textDetector finds the time and level of a free-text line. It looks at
// the first byte and tries the layouts that can start with it, in the
// order below, and stops at the first that matches; each is a small
// function in a detect_*.go file with its own table test. The layout names
// are what Reader.Stats counts.
//
// Leading timestamp (then the level rules after it):
//   - `gh run view --log` prefix "job\tstep\t" before an ISO time (skipped),
//     and a collector's file-name prefix "nova-api.log.1.… " (skipped)
//   - iso: ISO 8601 / RFC 3339, also with space, comma, slashes (log4j,
//     logback, Python, oslo, Go's log, nginx's error log, journald's
//     short-iso, Windows CBS "2016-09-28 04:30:30, Info")
//   - logcat: Android "03-17 16:13:38.811  1702  2395 D Tag: " (no year)
//   - log4j-short: "17/06/09 20:10:40" (Spark, Hadoop)
//   - hdfs: "081109 203615" (yyMMdd HHmmss)
//   - pipe: "20171223-22:15:29:606|"
//   - epoch: Unix seconds or milliseconds from 2000 to 2100, first or after
//     an alert column ("- 1117838570 …", BGL, Thunderbird)
//   - iso-bracketed: the ISO time in square brackets (log4j's "[%d]", Kafka)
//   - env_logger: Rust's "[2024-01-02T03:04:05Z ERROR my_crate] "
//   - apache-error: "[Sun Dec 04 04:47:44 2005] [error]"
//   - month-day: "[10.30 16:49:06]" (no year)
//   - syslog-pri and rfc5424: "<13>Jun  9 …" and "<165>1 2003-10-11T…";
//     the level is the PRI's severity
//   - slog: "time=… level=WARN msg=…" (Go's slog and logrus text)
//   - klog: "I0915 20:01:48.245569 1 file.go:1] " (time and level, no year)
//   - syslog: BSD "Mar 27 13:06:56 host prog[pid]: "; a klog header after
//     it gives time and level, as journald writes the kubelet's log
//   - access: an Apache/nginx "[17/May/2015:10:05:03 +0000]" in the first
//     100 bytes; the HTTP status after the request is the level (5xx
//     Error, 4xx Warn, else Info)
//
// Level after a timestamp: GitHub "##[error]" markers, a bracketed word
// ("[ERROR]", "[core:error]"), a klog header, ", Info", "word:", a bare
// upper-case or title-case word ("Info"), an upper-case word between spaces in the next 80
// bytes, and after a journald-style "host unit[pid]: " the same rules on
// the message.
//
// Without a leading timestamp (layout level): GitHub's "##[error]" and
// "::error file=…::", Maven's "[INFO]", Jenkins' "ERROR: ", a bare
// upper-case word, logcat's brief "E/Tag( 123): " (logcat-brief), and
// last an upper-case level word among the first fields while they are
// codes rather than words (fields, BGL's "… RAS KERNEL FATAL …").
//
// The detectors work on the first headBytes of the line with ANSI escape
// sequences and a byte order mark removed.
type textDetector struct {
	clock *clock
	head  []byte // scratch for the ANSI-stripped head
}

// detection is what textDetector finds in a line.
type detection struct {
	time    int64 // Unix nanoseconds, if hasTime
	hasTime bool
	level   engine.Level
	word    []byte // the level as written (aliases the line), nil if none
	layout  string // the layout that gave the time or level, "" if none
}

// Layout names.
const (
	layoutISO          = "iso"
	layoutISOBracketed = "iso-bracketed"
	layoutLogcat       = "logcat"
	layoutShortDate    = "log4j-short"
	layoutHDFS         = "hdfs"
	layoutPipe         = "pipe"
	layoutEpoch        = "epoch"
	layoutEnvLogger    = "env_logger"
	layoutApacheError  = "apache-error"
	layoutMonthDay     = "month-day"
	layoutSyslogPRI    = "syslog-pri"
	layoutRFC5424      = "rfc5424"
	layoutSlog         = "slog"
	layoutKlog         = "klog"
	layoutSyslog       = "syslog"
	layoutAccess       = "access"
	layoutLevel        = "level"
	layoutLogcatBrief  = "logcat-brief"
	layoutFields       = "fields"
	layoutTimeFormat   = "time-format" // Options.TimeFormat
	layoutPattern      = "pattern"     // Options.Pattern
)

// detect returns the time and level of line.
func (d *textDetector) detect(line []byte) detection {
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
		return detection{}
	}
	if n := ghLogPrefix(h); n > 0 {
		h = h[n:]
	} else if isAlpha(h[0]) {
		if n := fileNamePrefix(h); n > 0 {
			h = h[n:]
		}
	}

	var c civil
	switch first := h[0]; {
	case isDigit(first):
		if r, ok := d.digits(h, &c); ok {
			return r
		}
	case first == '[':
		if r, ok := d.bracket(h, &c); ok {
			return r
		}
	case first == '<':
		if r, ok := d.pri(h, &c); ok {
			return r
		}
	case first == 't':
		if parseKeyTime(h, &c) {
			lvl, w := levelKey(h)
			return detection{d.clock.unixNano(&c), true, lvl, w, layoutSlog}
		}
	case first == 'I' || first == 'W' || first == 'E' || first == 'F':
		if lvl, n := parseKlog(h, &c); n > 0 && d.clock.yearless(&c) {
			return detection{d.clock.unixNano(&c), true, lvl, h[:1], layoutKlog}
		}
	}
	if isUpper(h[0]) {
		if n, msg := parseSyslog(h, &c); n > 0 {
			if r, ok := d.syslog(h, &c, msg); ok {
				return r
			}
		}
	}
	if findApacheTime(h, &c) {
		// The request may be longer than the head.
		lvl, w := accessLevel(line[:min(len(line), accessWindow)])
		return detection{d.clock.unixNano(&c), true, lvl, w, layoutAccess}
	}
	if n := epochField(h); n > 0 {
		if t, m := parseLeadingEpoch(h[n:]); m > 0 {
			lvl, w := levelFields(h[n+m:])
			return detection{t, true, lvl, w, layoutEpoch}
		}
	}
	return levelOnly(h)
}

// timed returns the detection of a line with a time, whose level comes
// from the text after it.
func timed(t int64, layout string, rest []byte) detection {
	lvl, w := levelAfterTime(rest)
	if w == nil && len(rest) > 0 && rest[0] == ' ' {
		// journald's short-iso: "host unit[pid]: msg".
		if m := syslogMessage(rest, 0); m >= 0 {
			lvl, w = levelAfterTime(rest[m:])
		}
	}
	return detection{t, true, lvl, w, layout}
}

// digits tries the layouts that start with a digit.
func (d *textDetector) digits(h []byte, c *civil) (detection, bool) {
	if n := parseISO(h, c); n > 0 {
		return timed(d.clock.unixNano(c), layoutISO, h[n:]), true
	}
	if lvl, n := parseLogcat(h, c); n > 0 && d.clock.yearless(c) {
		return detection{d.clock.unixNano(c), true, lvl, h[n : n+1], layoutLogcat}, true
	}
	if n := parseSlashDate(h, c); n > 0 {
		return timed(d.clock.unixNano(c), layoutShortDate, h[n:]), true
	}
	if n := parseCompactDate(h, c); n > 0 {
		return timed(d.clock.unixNano(c), layoutHDFS, h[n:]), true
	}
	if n := parsePipeDate(h, c); n > 0 {
		return timed(d.clock.unixNano(c), layoutPipe, h[n:]), true
	}
	if t, n := parseLeadingEpoch(h); n > 0 {
		lvl, w := levelFields(h[n:])
		return detection{t, true, lvl, w, layoutEpoch}, true
	}
	return detection{}, false
}

// bracket tries the layouts that start with "[".
func (d *textDetector) bracket(h []byte, c *civil) (detection, bool) {
	if n := parseBracketISO(h, c); n > 0 {
		return timed(d.clock.unixNano(c), layoutISOBracketed, h[n:]), true
	}
	if n := parseISO(h[1:], c); n > 0 && 1+n < len(h) && h[1+n] == ' ' {
		lvl, w := levelBare(h[2+n:])
		return detection{d.clock.unixNano(c), true, lvl, w, layoutEnvLogger}, true
	}
	if n := parseCtimeBracket(h, c); n > 0 {
		return timed(d.clock.unixNano(c), layoutApacheError, h[n:]), true
	}
	if n := parseMonthDayBracket(h, c); n > 0 && d.clock.yearless(c) {
		return timed(d.clock.unixNano(c), layoutMonthDay, h[n:]), true
	}
	return detection{}, false
}

// pri tries the syslog layouts that start with "<PRI>".
func (d *textDetector) pri(h []byte, c *civil) (detection, bool) {
	sev, n := parsePRI(h)
	if n == 0 {
		return detection{}, false
	}
	r := detection{level: SeverityLevel(sev), word: severityWords[sev], layout: layoutSyslogPRI}
	rest := h[n:]
	switch {
	case rfc5424(rest, c) > 0:
		r.layout = layoutRFC5424
	case parseISO(rest, c) > 0:
	default:
		if m, _ := parseSyslog(rest, c); m == 0 || !d.clock.yearless(c) {
			return r, true
		}
	}
	r.time, r.hasTime = d.clock.unixNano(c), true
	return r, true
}

// syslog finishes a syslog line whose time is in c and whose message, if
// any, starts at h[msg:].
// It reports false for a date that no year has, such as 30 February.
func (d *textDetector) syslog(h []byte, c *civil, msg int) (detection, bool) {
	if msg >= 0 {
		var k civil
		if lvl, n := parseKlog(h[msg:], &k); n > 0 && d.clock.yearless(&k) {
			// journald-wrapped klog: the klog header has microseconds.
			return detection{d.clock.unixNano(&k), true, lvl, h[msg : msg+1], layoutKlog}, true
		}
	}
	if !d.clock.yearless(c) {
		return detection{}, false
	}
	r := detection{time: d.clock.unixNano(c), hasTime: true, layout: layoutSyslog}
	if msg >= 0 {
		r.level, r.word = levelAfterTime(h[msg:])
	}
	return r, true
}

// levelAfterTime returns the level that the text after a timestamp names
// and the level as written.
func levelAfterTime(s []byte) (engine.Level, []byte) {
	s = skipBlanks(s)
	var c civil
	if lvl, n := parseKlog(s, &c); n > 0 {
		return lvl, s[:1]
	}
	if lvl, w := levelGitHub(s); w != nil {
		return lvl, w
	}
	if lvl, w := levelBracket(s); w != nil {
		return lvl, w
	}
	if lvl, w := levelComma(s); w != nil {
		return lvl, w
	}
	if lvl, w := levelColon(s); w != nil {
		return lvl, w
	}
	if lvl, w := levelBare(s); w != nil {
		return lvl, w
	}
	if lvl, w := levelTitle(s); w != nil {
		return lvl, w
	}
	return levelInline(s)
}

// levelOnly returns the detection of a line without a leading timestamp.
func levelOnly(s []byte) detection {
	lvl, w := levelGitHub(s)
	if w == nil {
		lvl, w = levelBracket(s)
	}
	if w == nil {
		lvl, w = levelColon(s)
	}
	if w == nil {
		lvl, w = levelBare(s)
	}
	if w != nil {
		return detection{level: lvl, word: w, layout: layoutLevel}
	}
	if lvl, w = levelLogcatBrief(s); w != nil {
		return detection{level: lvl, word: w, layout: layoutLogcatBrief}
	}
	if lvl, w = levelFields(s); w != nil {
		return detection{level: lvl, word: w, layout: layoutFields}
	}
	return detection{}
}

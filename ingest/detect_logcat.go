package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// logcatLevel maps the priority letter of Android's logcat onto a level:
// V(erbose) is Trace, A(ssert) and F(atal) are Fatal.
func logcatLevel(c byte) (engine.Level, bool) {
	switch c {
	case 'V':
		return engine.Trace, true
	case 'D':
		return engine.Debug, true
	case 'I':
		return engine.Info, true
	case 'W':
		return engine.Warn, true
	case 'E':
		return engine.Error, true
	case 'F', 'A':
		return engine.Fatal, true
	}
	return engine.NoLevel, false
}

// monthDayClock parses the "MMdd hh:mm:ss.frac" of klog (from=1) or the
// "MM-dd hh:mm:ss.frac" of logcat (from=0) into c, leaving the year 0,
// and returns the offset after the fraction, or 0. The separators must
// have been checked.
func monthDayClock(b []byte, from int, c *civil) int {
	*c = civil{}
	if !twoDigits(b, []int{from, 3, 6, 9, 12}, &c.month, &c.day, &c.hour, &c.min, &c.sec) {
		return 0
	}
	nsec, n := fraction(b[15:])
	if n == 0 {
		return 0
	}
	c.nsec = nsec
	return 15 + n
}

// parseLogcat parses the head of a logcat "threadtime" line,
//
//	03-17 16:13:38.811  1702  2395 D WindowManager: msg
//
// that is MM-dd HH:mm:ss.SSS pid tid L tag: into c, leaving the year 0, and
// returns the level and the offset of the priority letter, or 0.
func parseLogcat(b []byte, c *civil) (engine.Level, int) {
	if len(b) < 24 || b[2] != '-' || b[5] != ' ' || b[8] != ':' || b[11] != ':' || b[14] != '.' {
		return engine.NoLevel, 0
	}
	i := monthDayClock(b, 0, c)
	if i == 0 {
		return engine.NoLevel, 0
	}
	for f := 0; f < 2; f++ { // pid, tid
		if i = paddedNumber(b, i); i == 0 {
			return engine.NoLevel, 0
		}
	}
	if i+3 > len(b) || b[i] != ' ' || b[i+2] != ' ' {
		return engine.NoLevel, 0
	}
	lvl, ok2 := logcatLevel(b[i+1])
	if !ok2 {
		return engine.NoLevel, 0
	}
	return lvl, i + 1
}

// levelLogcatBrief detects logcat's "brief" form, "E/Tag( 123): msg", and
// returns the level and its letter.
func levelLogcatBrief(s []byte) (engine.Level, []byte) {
	if len(s) < 7 || s[1] != '/' {
		return engine.NoLevel, nil
	}
	lvl, ok := logcatLevel(s[0])
	if !ok {
		return engine.NoLevel, nil
	}
	w := s[:min(len(s), 128)]
	open := bytes.IndexByte(w, '(')
	if open < 3 || bytes.IndexByte(w[2:open], ' ') >= 0 {
		return engine.NoLevel, nil
	}
	end := bytes.IndexByte(w[open:], ')')
	if end < 2 || open+end+1 >= len(w) || w[open+end+1] != ':' {
		return engine.NoLevel, nil
	}
	if _, ok := atoi(bytes.TrimLeft(w[open+1:open+end], " ")); !ok {
		return engine.NoLevel, nil
	}
	return lvl, s[:1]
}

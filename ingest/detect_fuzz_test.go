package ingest

import (
	"bytes"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// FuzzDetect checks that the text detector never panics and that what it
// returns is consistent: a level comes with its text, which is in the
// line (or is a syslog severity name), and a layout names every time or
// level found.
func FuzzDetect(f *testing.F) {
	for _, s := range detectSamples {
		f.Add([]byte(s))
	}
	d := textDetector{clock: newClock(time.FixedZone("X", -7*3600), detectNow)}
	f.Fuzz(func(t *testing.T, line []byte) {
		r := d.detect(line)
		if r.level >= engine.Level(engine.NumLevels) {
			t.Fatalf("level %d", r.level)
		}
		if (r.level != engine.NoLevel) != (r.word != nil) {
			t.Fatalf("level %v with text %q", r.level, r.word)
		}
		if r.word != nil && !bytes.Contains(stripANSI(nil, line), r.word) && !isSeverityWord(r.word) {
			t.Fatalf("level text %q is not in the line", r.word)
		}
		if (r.hasTime || r.word != nil) != (r.layout != "") {
			t.Fatalf("time %v, level %v, layout %q", r.hasTime, r.level, r.layout)
		}
		if !r.hasTime && r.time != 0 {
			t.Fatalf("time %d without hasTime", r.time)
		}
	})
}

// isSeverityWord reports whether w is one of severityWords.
func isSeverityWord(w []byte) bool {
	for _, s := range severityWords {
		if bytes.Equal(w, s) {
			return true
		}
	}
	return false
}

package bench

import (
	"regexp"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that the workload has the advertised shape: level mix, message
// lengths, the 0.7% "timeout" lines, run lengths, and determinism.
func TestWorkload_Shape(t *testing.T) {
	w := Workload{Lines: 100000, Seed: 7, Start: time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)}
	var levels [engine.NumLevels]int
	runs := map[string]int{}
	timeout := regexp.MustCompile(`(?i)\btimeout\b`)
	hits, minLen, maxLen := 0, 1000, 0
	var first string
	prevT := int64(0)
	w.Generate(func(e *engine.Entry) {
		if first == "" {
			first = e.Message
		}
		levels[e.Level]++
		runs[e.Job]++
		if timeout.MatchString(e.Message) {
			hits++
		}
		minLen, maxLen = min(minLen, len(e.Message)), max(maxLen, len(e.Message))
		if e.Time < prevT-int64(time.Second) {
			t.Fatalf("time goes back: %d after %d", e.Time, prevT)
		}
		prevT = max(prevT, e.Time)
		if len(e.Labels) != 4 {
			t.Fatalf("labels = %v", e.Labels)
		}
	})
	pct := func(n int) float64 { return 100 * float64(n) / float64(w.Lines) }
	if p := pct(levels[engine.Info]); p < 79 || p > 81 {
		t.Errorf("Info = %.1f%%", p)
	}
	if p := pct(levels[engine.Error]); p < 2.7 || p > 3.3 {
		t.Errorf("Error = %.1f%%", p)
	}
	if p := pct(hits); p < 0.6 || p > 0.8 {
		t.Errorf("timeout lines = %.2f%%", p)
	}
	if minLen < 60 || maxLen > 200 {
		t.Errorf("message lengths %d…%d", minLen, maxLen)
	}
	for job, n := range runs {
		if n > 2000 {
			t.Errorf("run %s has %d lines", job, n)
		}
	}
	var again string
	w.Generate(func(e *engine.Entry) {
		if again == "" {
			again = e.Message
		}
	})
	if again != first {
		t.Errorf("not deterministic: %q then %q", first, again)
	}
}

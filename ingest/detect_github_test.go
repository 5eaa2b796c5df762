package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that ghLogPrefix finds the "job\tstep\t" of `gh run view --log`
// only before a timestamp.
func TestGhLogPrefix(t *testing.T) {
	tests := []struct {
		in string
		n  int
	}{
		{"build-test-deploy\tSet up job\t2021-12-01T13:00:40.1077661Z Current runner version: '2.284.0'", 29},
		{"a\t\t2021-12-01T13:00:40Z x", 3},
		{"\tat java.lang.Thread.run(Thread.java:748)", 0},
		{"name\tvalue\tother", 0},
		{"2021-12-01T13:00:40.1077661Z no prefix", 0},
	}
	for _, tt := range tests {
		if n := ghLogPrefix([]byte(tt.in)); n != tt.n {
			t.Errorf("ghLogPrefix(%q) = %d, want %d", tt.in, n, tt.n)
		}
	}
}

// Ensure that levelGitHub maps the workflow-command markers.
func TestLevelGitHub(t *testing.T) {
	tests := []struct {
		in   string
		want engine.Level
		ok   bool
	}{
		{"##[error]Process completed with exit code 1.", engine.Error, true},
		{"##[warning]Node.js 12 actions are deprecated.", engine.Warn, true},
		{"##[notice]x", engine.Info, true},
		{"##[debug]Evaluating condition", engine.Debug, true},
		{"##[group]Run actions/checkout@v2", engine.NoLevel, false},
		{"##[endgroup]", engine.NoLevel, false},
		{"##[ERROR]x", engine.NoLevel, false},
		{"## [error] x", engine.NoLevel, false},
		{"##[error", engine.NoLevel, false},
	}
	for _, tt := range tests {
		if got, w := levelGitHub([]byte(tt.in)); got != tt.want || (w != nil) != tt.ok {
			t.Errorf("levelGitHub(%q) = %v, %v; want %v, %v", tt.in, got, w, tt.want, tt.ok)
		}
	}
}

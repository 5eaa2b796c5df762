package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that parseKlog takes klog headers with each severity letter and
// rejects near misses.
func TestParseKlog(t *testing.T) {
	tests := []struct {
		in   string
		lvl  engine.Level
		n    int
		want civil
	}{
		{"I0915 20:01:48.245569       1 round_trippers.go:466] curl -v", engine.Info, 53,
			civil{month: 9, day: 15, hour: 20, min: 1, sec: 48, nsec: 245569000}},
		{"W0102 03:04:05.000001 12 x.go:1] careful", engine.Warn, 33,
			civil{month: 1, day: 2, hour: 3, min: 4, sec: 5, nsec: 1000}},
		{"E0915 19:50:17.864353  704773 kubelet.go:2160] \"Failed\" err=\"x\"", engine.Error, 47,
			civil{month: 9, day: 15, hour: 19, min: 50, sec: 17, nsec: 864353000}},
		{"F0915 19:50:17.864353 1 main.go:9]", engine.Fatal, 34,
			civil{month: 9, day: 15, hour: 19, min: 50, sec: 17, nsec: 864353000}},

		{"D0915 19:50:17.864353 1 main.go:9] x", engine.NoLevel, 0, civil{}}, // not a klog letter
		{"I0915 19:50:17 1 main.go:9] x", engine.NoLevel, 0, civil{}},        // no fraction
		{"I0915 19:50:17.864353 main.go:9] x", engine.NoLevel, 0, civil{}},   // no thread id
		{"I0915 19:50:17.864353 1 main go:9] x", engine.NoLevel, 0, civil{}}, // space in file
		{"I0915 19:50:17.864353 1 main.go] x", engine.NoLevel, 0, civil{}},   // no line number
		{"I0915 19:50:17.864353 1 main.go:9]x", engine.NoLevel, 0, civil{}},  // no space after ]
		{"Exception in thread \"main\" java.lang.Error", engine.NoLevel, 0, civil{}},
	}
	for _, tt := range tests {
		var c civil
		lvl, n := parseKlog([]byte(tt.in), &c)
		if lvl != tt.lvl || n != tt.n || (n > 0 && c != tt.want) {
			t.Errorf("parseKlog(%q) = %v, %d, %+v; want %v, %d, %+v", tt.in, lvl, n, c, tt.lvl, tt.n, tt.want)
		}
	}
}

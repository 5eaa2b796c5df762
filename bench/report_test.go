package bench

import (
	"bytes"
	"strings"
	"testing"
)

// Ensure that the figures are judged against the targets only at the size
// the targets were set for: at 1M synthetic lines with ✓ and ✗, at any
// other size or on a file beside them without verdicts, and said so.
func TestChecks_JudgedAtTargetSize(t *testing.T) {
	for _, tt := range []struct {
		name   string
		d      Dataset
		judged bool
	}{
		{"1M synthetic", Dataset{Source: "synthetic", Lines: TargetLines}, true},
		{"20k synthetic", Dataset{Source: "synthetic", Lines: 20_000}, false},
		{"a 1M file", Dataset{Source: "app.log", File: "app.log", Lines: TargetLines}, false},
	} {
		rep := &Report{Dataset: tt.d, Ingest: &IngestResult{DurableLinesPerSec: 1e6, IndexedLinesPerSec: 1, DiskBytesPerLine: 1}}
		rep.Checks, rep.Judged = checks(rep), judged(rep)
		var pass []bool
		for _, c := range rep.Checks {
			if c.Name == "ingest_durable" || c.Name == "ingest_indexed" {
				pass = append(pass, c.Pass)
			}
		}
		var table bytes.Buffer
		if err := rep.WriteTable(&table); err != nil {
			t.Fatal(err)
		}
		tab := table.String()
		note := strings.Contains(tab, "stand beside them without verdicts")
		switch {
		case rep.Judged != tt.judged:
			t.Errorf("%s: judged %v, want %v", tt.name, rep.Judged, tt.judged)
		case tt.judged && (len(pass) != 2 || !pass[0] || pass[1] || !strings.Contains(tab, "✓") || !strings.Contains(tab, "✗") || note):
			t.Errorf("%s: verdicts %v:\n%s", tt.name, pass, tab)
		case !tt.judged && (len(pass) != 2 || pass[0] || strings.ContainsAny(tab, "✓✗") || !note):
			t.Errorf("%s: verdicts %v without a target size:\n%s", tt.name, pass, tab)
		}
	}
}

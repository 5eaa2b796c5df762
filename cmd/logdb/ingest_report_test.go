package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logdb/logdb/ingest"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// Ensure that the per-file report reads as testdata/ingest_report.golden
// for files where everything, some or nothing was recognised, for json,
// and for an empty file (go test -update rewrites it).
func TestFileReport_Golden(t *testing.T) {
	reports := []fileReport{
		{"all.log", ingest.FormatText, ingest.Stats{Lines: 1200, WithTime: 1180, WithLevel: 1150, Continued: 20,
			Layouts: map[string]int64{"iso": 1150, "syslog": 30}}},
		{"jenkins.log", ingest.FormatText, ingest.Stats{Lines: 814, WithLevel: 670, Continued: 91,
			Layouts: map[string]int64{"level": 670}}},
		{"few.log", ingest.FormatText, ingest.Stats{Lines: 100, WithTime: 10, WithLevel: 10,
			Layouts: map[string]int64{"epoch": 10}}},
		{"notime.log", ingest.FormatText, ingest.Stats{Lines: 100, WithTime: 0, WithLevel: 30,
			Layouts: map[string]int64{"level": 30}}},
		{"none.log", ingest.FormatText, ingest.Stats{Lines: 2}},
		{"events.jsonl", ingest.FormatJSON, ingest.Stats{Lines: 3, WithTime: 3, WithLevel: 2,
			Layouts: map[string]int64{"json": 3}}},
		{"empty.log", ingest.FormatText, ingest.Stats{}},
	}
	var b strings.Builder
	printReports(&b, reports)
	path := filepath.Join("testdata", "ingest_report.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("report\n%s\nwant (%s)\n%s", b.String(), path, want)
	}
}

package ingest

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that in the Jenkins (Maven) logs of cidiff every stack-trace line
// takes the level of the line that started its entry (blank lines in
// between neither start nor end one), and that the trace
// of commons-lang's failing test, lines 692 to 770 of its fail.log under
// an "[ERROR] …  <<< FAILURE!" line, is Error throughout, so that
// level=Error finds the lines the annotators marked.
func TestData_JenkinsTraces(t *testing.T) {
	dir := filepath.Join(dataDir(t), "cidiff", "breakages")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "fail.log"))
	if len(files) < 30 {
		t.Fatalf("found %d cidiff fail logs, want 34", len(files))
	}
	traced := 0
	for _, path := range files {
		entries, data := readFile(t, path, textOptions(time.Now()))
		lines := sedLines(data)
		start := engine.NoLevel
		for i, e := range entries {
			if isBlank(lines[i]) {
				continue // neither continues nor ends an entry
			}
			if !continued.Match(lines[i]) {
				start = e.Level
				continue
			}
			if bytes.HasPrefix(lines[i], []byte("\tat ")) {
				traced++
				if e.Level != start {
					t.Errorf("%s:%d: %v, want %v of the entry's first line (%q)", path, i+1, e.Level, start, lines[i])
				}
			}
		}
	}
	if traced < 500 {
		t.Errorf("%d stack-trace lines in the Jenkins logs, want more than 500", traced)
	}
	entries, data := readFile(t, filepath.Join(dir, "commonslang_2089", "fail.log"), textOptions(time.Now()))
	lines := sedLines(data)
	for n := 691; n <= 770; n++ {
		if e := entries[n-1]; e.Level != engine.Error || e.Line != int64(n) {
			t.Errorf("commonslang_2089/fail.log:%d: line %d %v, want Error (%q)", n, e.Line, e.Level, lines[n-1])
		}
	}
}

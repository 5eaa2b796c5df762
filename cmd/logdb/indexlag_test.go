package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// statsJSON runs `logdb stats -o json` and decodes it.
func statsJSON(t *testing.T, env []string) map[string]any {
	t.Helper()
	r := runBin(t, "", env, "stats", "-o", "json")
	if r.code != 0 {
		t.Fatalf("stats: exit %d: %s", r.code, r.stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("stats -o json: %v: %s", err, r.stdout)
	}
	return m
}

// Ensure that `logdb reindex` leaves a complete index for the next process
// (it used to rebuild twice, the second time cut short by its exit), and
// that a gc deleting every run leaves no index lag behind.
func TestCLI_ReindexThenGC_NoLag(t *testing.T) {
	env := []string{"LOGDB_DIR=" + filepath.Join(t.TempDir(), "data")}
	var in strings.Builder
	for i := 1; i <= 30000; i++ {
		fmt.Fprintf(&in, "step %d of the nightly load, partition %d\n", i, i%97)
	}
	for _, job := range []string{"a", "b", "c"} {
		if r := runBin(t, in.String(), env, "ingest", "--job", job, "-"); r.code != 0 {
			t.Fatalf("ingest: %s", r.stderr)
		}
	}
	if r := runBin(t, "", env, "reindex"); r.code != 0 {
		t.Fatalf("reindex: %s", r.stderr)
	}
	st := statsJSON(t, env)
	if st["index_lag"] != 0.0 || st["index_ready"] != true || st["index_bytes"].(float64) <= 0 {
		t.Fatalf("after reindex: index lag %v, ready %v, %v bytes", st["index_lag"], st["index_ready"], st["index_bytes"])
	}
	if r := runBin(t, "", env, "query", "partition | count"); strings.TrimSpace(r.stdout) != "90000" {
		t.Fatalf("count after reindex: %q %s", r.stdout, r.stderr)
	}

	time.Sleep(1100 * time.Millisecond)                                   // the runs' age must pass 1s
	r := runBin(t, "", env, "gc", "--max-age", "1s", "--include-running") // ingest leaves the runs running
	if r.code != 0 || !strings.Contains(r.stderr+r.stdout, "deleted 3") {
		t.Fatalf("gc: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	st = statsJSON(t, env)
	if st["index_lag"] != 0.0 || st["lines"] != 0.0 {
		t.Fatalf("after a gc of everything: index lag %v, lines %v", st["index_lag"], st["lines"])
	}
}

// Ensure that a query command on a store whose full-text index is gone
// answers right by scanning and says so once, with the command that
// rebuilds the index, and that after it the warning is gone.
func TestCLI_QueryWithoutIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := []string{"LOGDB_DIR=" + dir}
	var in strings.Builder
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(&in, "request %d served in %d ms\n", i, i%13)
	}
	if r := runBin(t, in.String(), env, "ingest", "--job", "web", "-"); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	if r := runBin(t, "", env, "query", "served | count"); strings.TrimSpace(r.stdout) != "5000" || r.stderr != "" {
		t.Fatalf("count with the index: %q, stderr %q", r.stdout, r.stderr)
	}
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, "", env, "query", "served | count")
	if strings.TrimSpace(r.stdout) != "5000" {
		t.Fatalf("count without the index: %q %s", r.stdout, r.stderr)
	}
	if strings.Count(r.stderr, "warning") != 1 || !strings.Contains(r.stderr, "logdb reindex") {
		t.Fatalf("without the index, stderr is %q; want one warning naming logdb reindex", r.stderr)
	}
	if r := runBin(t, "", env, "reindex"); r.code != 0 {
		t.Fatalf("reindex: %s", r.stderr)
	}
	if r := runBin(t, "", env, "query", "served | count"); strings.TrimSpace(r.stdout) != "5000" || r.stderr != "" {
		t.Fatalf("count after reindex: %q, stderr %q", r.stdout, r.stderr)
	}
}

package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logdb/logdb/bench"
)

// Ensure that `logdb bench --lines 20000 -o json` runs every part (the load
// in a child process of the real binary, queries, reads, whole `logdb
// query` and `logdb read` processes) and prints a report with every figure.
func TestCLI_Bench_JSON(t *testing.T) {
	r := runMain(t, "", "bench", "--lines", "20000", "-o", "json", "--exe", logdbBin,
		"--reps", "2", "--time", "1ms", "--cli-runs", "1")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep bench.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	if rep.Dataset.Lines != 20000 || rep.Ingest == nil || rep.Ingest.Lines != 20000 || rep.Open == nil {
		t.Fatalf("incomplete report: %+v", rep)
	}
	if rep.Machine.Cores < 1 || rep.Machine.GoVersion == "" {
		t.Errorf("machine %+v", rep.Machine)
	}
	kinds := map[string]int{}
	for _, q := range append(rep.Queries, rep.CLI...) {
		kinds[q.Kind]++
		if q.P50Ms <= 0 {
			t.Errorf("%s %s: p50 %v", q.Kind, q.Name, q.P50Ms)
		}
	}
	if kinds["query"] < 5 || kinds["read"] != 2 || kinds["cli"] != kinds["query"]+kinds["read"] {
		t.Errorf("figures by kind: %v", kinds)
	}
	// Every target has its figure.
	names := map[string]bool{}
	for _, c := range rep.Checks {
		names[c.Name] = true
	}
	for _, n := range []string{"ingest_durable", "ingest_indexed", "disk_per_line", "peak_rss", "query_word", "read_range", "open_first_query"} {
		if !names[n] {
			t.Errorf("no check %s in %v", n, names)
		}
	}
	if !strings.Contains(r.stderr, "bench: loading") {
		t.Errorf("no progress on stderr: %q", r.stderr)
	}
}

// Ensure that bench gen streams the workload as JSON lines that ingest
// reads, the same bytes for the same --end, and that -o writes a file.
func TestCLI_Bench_Gen(t *testing.T) {
	end := "2025-03-21T00:00:00Z"
	r := runMain(t, "", "bench", "gen", "--lines", "1000", "--end", end)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1000 {
		t.Fatalf("exit %d, %d lines: %s", r.code, strings.Count(r.stdout, "\n"), r.stderr)
	}
	first, _, _ := strings.Cut(r.stdout, "\n")
	var m map[string]string
	if err := json.Unmarshal([]byte(first), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"time", "level", "job", "msg", "flow", "env", "app", "component"} {
		if m[k] == "" {
			t.Errorf("no %s in %s", k, first)
		}
	}
	if !strings.HasPrefix(m["time"], "2025-03-20T") {
		t.Errorf("time %s is not in the day before --end", m["time"])
	}

	out := filepath.Join(t.TempDir(), "w.jsonl")
	if r2 := runMain(t, "", "bench", "gen", "--lines", "1000", "--end", end, "-o", out); r2.code != 0 || !strings.Contains(r2.stderr, "wrote 1000 lines") {
		t.Fatalf("gen -o: %d %q", r2.code, r2.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || string(b) != r.stdout {
		t.Fatalf("the file differs from stdout (%v)", err)
	}

	dir := t.TempDir()
	r = runMain(t, "", "--dir", dir, "ingest", "--format", "json", out)
	if r.code != 0 || !strings.Contains(r.stderr, "ingested 1000 lines") {
		t.Fatalf("ingest: %d %q", r.code, r.stderr)
	}
	r = runMain(t, "", "--dir", dir, "query", "-o", "json", "| count")
	if r.stdout != `{"count":1000}`+"\n" {
		t.Errorf("count %q", r.stdout)
	}
}

// Ensure that bad flags are usage errors.
func TestCLI_Bench_Usage(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "frob"},
		{"bench", "-o", "xml"},
		{"bench", "--lines", "10"},
		{"bench", "--end", "yesterday"},
		{"bench", "gen", "--file", "x"},
		{"bench", "query", "read"},
	} {
		r := runMain(t, "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "logdb help bench") {
			t.Errorf("%v: exit %d, %q", args, r.code, r.stderr)
		}
	}
}

// Ensure that query on a store that holds lines measures that store
// instead of loading another, and that ingest refuses it.
func TestCLI_Bench_ExistingStore(t *testing.T) {
	dir := t.TempDir()
	gen := filepath.Join(dir, "w.jsonl")
	if r := runMain(t, "", "bench", "gen", "--lines", "3000", "-o", gen); r.code != 0 {
		t.Fatal(r.stderr)
	}
	store := filepath.Join(dir, "store")
	if r := runMain(t, "", "--dir", store, "ingest", gen); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := runMain(t, "", "bench", "query", "--dir", store, "--no-cli", "--exe", logdbBin, "--reps", "1", "--time", "1ms", "-o", "gobench")
	if r.code != 0 || !strings.Contains(r.stderr, "using the 3000 lines") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	n := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "BenchmarkQuery/") {
			n++
		}
		if strings.HasPrefix(sc.Text(), "BenchmarkIngest") || strings.HasPrefix(sc.Text(), "BenchmarkRead") {
			t.Errorf("query only, but %s", sc.Text())
		}
	}
	if n < 5 {
		t.Errorf("%d query lines:\n%s", n, r.stdout)
	}
	r = runMain(t, "", "bench", "ingest", "--dir", store, "--exe", logdbBin)
	if r.code != 1 || !strings.Contains(r.stderr, "already holds 3000 lines") {
		t.Errorf("ingest into a full store: %d %q", r.code, r.stderr)
	}
}

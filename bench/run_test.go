package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// childEnv makes this test binary act as the child processes of Run (see
// TestMain), so that the tests run the real two-process load.
const childEnv = "LOGDB_BENCH_TEST_CHILD=1"

func TestMain(m *testing.M) {
	if os.Getenv("LOGDB_BENCH_TEST_CHILD") == "1" {
		args := os.Args[1:]
		for len(args) > 0 && args[0] != "bench" {
			args = args[1:]
		}
		if len(args) == 0 {
			fmt.Fprintln(os.Stderr, "bench test child: no bench arguments")
			os.Exit(2)
		}
		if err := RunChild(context.Background(), args[1:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fileFacts are counted from the workload's JSON lines with encoding/json
// and regexp, independently of the engine.
type fileFacts struct {
	lines, timeout, phrase int64
	job                    string // the longest run, ties by name
	jobLines, jobErrors    int64
	lastHourTimeout        int64
}

func countFile(t *testing.T, data []byte) fileFacts {
	t.Helper()
	type line struct {
		Time  time.Time `json:"time"`
		Level string    `json:"level"`
		Job   string    `json:"job"`
		Msg   string    `json:"msg"`
	}
	var (
		f      fileFacts
		ls     []line
		runs   = map[string]int64{}
		word   = regexp.MustCompile(`(?i)\btimeout\b`)
		phrase = regexp.MustCompile(`(?i)connection reset`)
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d: %v: %s", f.lines+1, err, sc.Bytes())
		}
		ls = append(ls, l)
		f.lines++
		runs[l.Job]++
		if word.MatchString(l.Msg) {
			f.timeout++
		}
		if phrase.MatchString(l.Msg) {
			f.phrase++
		}
	}
	jobs := make([]string, 0, len(runs))
	for j := range runs {
		jobs = append(jobs, j)
	}
	sort.Slice(jobs, func(i, k int) bool {
		if runs[jobs[i]] != runs[jobs[k]] {
			return runs[jobs[i]] > runs[jobs[k]]
		}
		return jobs[i] < jobs[k]
	})
	f.job, f.jobLines = jobs[0], runs[jobs[0]]
	var newest time.Time
	for _, l := range ls {
		if l.Time.After(newest) {
			newest = l.Time
		}
	}
	for _, l := range ls {
		if l.Job == f.job && l.Level == "Error" {
			f.jobErrors++
		}
		if !l.Time.Before(newest.Add(-time.Hour)) && word.MatchString(l.Msg) {
			f.lastHourTimeout++
		}
	}
	return f
}

// Ensure that a small run of the whole benchmark (load in a child process,
// queries, reads, a fresh-process open) gives a complete report whose hits
// agree with counts made over the generated JSON without logdb.
func TestRun_Small(t *testing.T) {
	o := Options{
		Lines: 20000, Seed: 3, End: time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC),
		Exe: os.Args[0], ChildEnv: []string{childEnv},
		Warmup: 1, MinReps: 3, MinTime: time.Millisecond, CLIRuns: 1,
		NoCLI: true, // the test binary is no logdb binary; cmd/logdb tests those
	}
	var log bytes.Buffer
	o.Log = &log
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}

	var data bytes.Buffer
	if _, err := GenerateJSON(&data, o.Workload(), ""); err != nil {
		t.Fatal(err)
	}
	want := countFile(t, data.Bytes())

	d := rep.Dataset
	if d.Lines != want.lines || d.Bytes != int64(data.Len()) || d.WordLines != want.timeout || d.StoreLines != want.lines {
		t.Errorf("dataset %d lines, %d bytes, %d with timeout, %d in store; the file has %d, %d, %d",
			d.Lines, d.Bytes, d.WordLines, d.StoreLines, want.lines, data.Len(), want.timeout)
	}
	if d.Job != want.job || d.JobLines != want.jobLines {
		t.Errorf("run X = %s with %d lines, want %s with %d", d.Job, d.JobLines, want.job, want.jobLines)
	}

	in := rep.Ingest
	switch {
	case in == nil:
		t.Fatal("no ingest figures")
	case in.Lines != want.lines || in.Rejected != 0 || in.InputBytes != int64(data.Len()):
		t.Errorf("ingest stored %d, rejected %d, read %d bytes", in.Lines, in.Rejected, in.InputBytes)
	case !(in.DurableSec > 0 && in.IndexedSec >= in.DurableSec && in.DurableLinesPerSec > 0 && in.IndexedMBPerSec > 0):
		t.Errorf("ingest times %+v", in)
	case in.SearchableSec < 0 || in.SearchableQueries < 1:
		t.Errorf("searchable %v after %d queries", in.SearchableSec, in.SearchableQueries)
	case in.DiskBytes <= 0 || in.IndexBytes <= 0 || in.DiskBytesPerLine <= 0 || in.Blocks <= 0:
		t.Errorf("disk %+v", in)
	case in.PeakRSSIndexed <= 0 || in.PeakRSS < in.PeakRSSIndexed:
		t.Errorf("peak RSS %d, %d", in.PeakRSSIndexed, in.PeakRSS)
	}

	hits := map[string]int64{
		"query/" + figWord:         want.timeout,
		"query/" + figWordCount:    want.timeout,
		"query/" + figLevelJob:     want.jobErrors,
		"query/" + figWordLastHour: want.lastHourTimeout,
		"query/" + figCountByLevel: want.lines,
		"query/phrase":             want.phrase,
		"read/" + figReadRun:       want.jobLines,
		"read/" + figReadRange:     101,
	}
	seen := map[string]bool{}
	for _, q := range rep.Queries {
		k := q.Kind + "/" + q.Name
		seen[k] = true
		if h, ok := hits[k]; ok && q.Hits != h {
			t.Errorf("%s (%s): %d hits, want %d", k, q.What, q.Hits, h)
		}
		if q.Reps < o.MinReps || !(0 < q.MinMs && q.MinMs <= q.P50Ms && q.P50Ms <= q.P95Ms && q.P95Ms <= q.P99Ms && q.P99Ms <= q.MaxMs) {
			t.Errorf("%s: %d runs, min %v p50 %v p95 %v p99 %v max %v", k, q.Reps, q.MinMs, q.P50Ms, q.P95Ms, q.P99Ms, q.MaxMs)
		}
	}
	for k := range hits {
		if !seen[k] {
			t.Errorf("no figure %s", k)
		}
	}
	if want.lastHourTimeout == 0 || want.jobErrors == 0 {
		t.Errorf("the check is too weak: %+v", want)
	}
	if rep.Open == nil || rep.Open.Hits != want.jobErrors || rep.Open.OpenSec <= 0 {
		t.Errorf("open: %+v", rep.Open)
	}
	if len(rep.CLI) != 0 {
		t.Errorf("CLI timings with NoCLI: %v", rep.CLI)
	}
	// Every goal but the whole-process one has its figure.
	if len(rep.Checks) != len(goals)-1 {
		t.Errorf("%d checks, want %d: %+v", len(rep.Checks), len(goals)-1, rep.Checks)
	}

	var table, js, gb bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	// 20,000 lines: the targets, set for 1M, give no verdicts.
	if rep.Judged || strings.ContainsAny(table.String(), "✓✗") {
		t.Errorf("a run of 20,000 lines is judged against the 1M targets:\n%s", table.String())
	}
	for _, s := range []string{"Against VictoriaLogs", "ingest one client until durable", "20,000 synthetic lines) stand beside them without verdicts", "lines 1000–1100 of one run", "Intel", "timeout | count"} {
		if s == "Intel" && !strings.Contains(rep.Machine.CPU, "Intel") {
			continue
		}
		if !strings.Contains(table.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, table.String())
		}
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Queries) != len(rep.Queries) || back.Ingest == nil {
		t.Errorf("JSON does not read back: %v", err)
	}
	if err := rep.WriteGobench(&gb); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^Benchmark[A-Za-z]+(/\w+)?-\d+\t\d+\t\d+ ns/op(\t[0-9.]+ [\w/-]+)*$`)
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(gb.String()), "\n") {
		if strings.HasPrefix(l, "Benchmark") {
			n++
			if !line.MatchString(l) {
				t.Errorf("not a benchmark line: %q", l)
			}
		}
	}
	if want := 1 + len(rep.Queries) + 1; n != want {
		t.Errorf("%d benchmark lines, want %d:\n%s", n, want, gb.String())
	}
}

// Ensure that with a peer, Run loads the same file into VictoriaLogs, that
// the peer's answers to the word, count, run and range queries agree with
// logdb's, and that the checks compare against the peer's figures. Skipped
// when no VictoriaLogs binary is found.
func TestRun_Peer(t *testing.T) {
	if _, err := findPeer(PeerVictoriaLogs); err != nil {
		t.Skipf("no peer to run: %v", err)
	}
	o := Options{
		Lines: 20000, Seed: 3, End: time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC),
		Exe: os.Args[0], ChildEnv: []string{childEnv},
		Warmup: 0, MinReps: 1, MinTime: time.Millisecond, NoCLI: true,
		Peer: PeerVictoriaLogs,
	}
	var log bytes.Buffer
	o.Log = &log
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	p := rep.Peer
	if p == nil || p.Lines != rep.Dataset.Lines || p.IngestSec <= 0 || p.VisibleSec < p.IngestSec || p.DiskBytes <= 0 {
		t.Fatalf("peer result %+v", p)
	}
	peer := map[string]int64{}
	for _, q := range p.Queries {
		peer[q.Name] = q.Hits
	}
	for _, q := range rep.Queries {
		switch q.Name {
		case figWord, figWordCount, figLevelJob, figReadRun, figReadRange, figCountByLevel:
			if peer[q.Name] != q.Hits {
				t.Errorf("%s: VictoriaLogs found %d, logdb %d", q.Name, peer[q.Name], q.Hits)
			}
		}
	}
	var found bool
	for _, c := range rep.Checks {
		if c.Name == "ingest_durable" {
			found = c.Peer == p.IngestLinesPerSec && c.Limit == 1.25*p.IngestLinesPerSec
		}
	}
	if !found {
		t.Errorf("no ingest check against the peer's rate: %+v", rep.Checks)
	}
}

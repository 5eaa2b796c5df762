package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/query"
)

// The tests in this file check logdb against grep and sed on real
// third-party logs from ../shared/data (see its README). They are skipped
// when that folder is absent.

// realLog is one ingested file and its job.
type realLog struct {
	path, job string
	lines     [][]byte // the file split on \n, trailing \r dropped
}

var cidiff struct {
	once sync.Once
	dir  string
	logs []*realLog
	err  string
}

// loadCIDiff ingests every CI log of the cidiff folder with the CLI into one
// store, one run per file, once per test binary, and returns the store
// directory and the logs. Tests must not write to the store.
func loadCIDiff(t *testing.T) (string, []*realLog) {
	data := testutil.DataDir(t)
	cidiff.once.Do(func() {
		dir, err := os.MkdirTemp("", "logdb-cidiff")
		if err != nil {
			cidiff.err = err.Error()
			return
		}
		tempDirs = append(tempDirs, dir)
		cidiff.dir = dir
		cidiff.logs, cidiff.err = ingestCIDiff(t, data, dir)
	})
	if cidiff.err != "" {
		t.Fatal(cidiff.err)
	}
	return cidiff.dir, cidiff.logs
}

func ingestCIDiff(t *testing.T, data, dir string) ([]*realLog, string) {
	paths, err := filepath.Glob(filepath.Join(data, "cidiff", "*", "*", "*.log"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Sprintf("no cidiff logs under %s: %v", data, err)
	}
	var logs []*realLog
	for _, p := range paths {
		rel, _ := filepath.Rel(filepath.Join(data, "cidiff"), p)
		job := strings.TrimSuffix(rel, ".log")
		r := runMain(t, "", "--dir", dir, "ingest", "--format", "text", "--job", job, p)
		if r.code != 0 {
			return nil, fmt.Sprintf("ingest %s: %d %s", p, r.code, r.stderr)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err.Error()
		}
		lines := bytes.Split(b, []byte("\n"))
		if len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		for i, l := range lines {
			lines[i] = bytes.TrimSuffix(l, []byte("\r"))
		}
		logs = append(logs, &realLog{path: p, job: job, lines: lines})
	}
	return logs, ""
}

// oracle runs a command (sed, grep) and returns its standard output.
func oracle(t *testing.T, stdin []byte, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 && name == "grep" {
		err = nil // no lines matched
	}
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// Ensure that reading any line range of a CI log returns exactly what sed -n
// prints for it (with trailing \r dropped): the whole run through the
// binary's code path, random ranges through the engine.
func TestRealData_ReadRanges(t *testing.T) {
	if _, err := exec.LookPath("sed"); err != nil {
		t.Skip("sed not installed")
	}
	dir, logs := loadCIDiff(t)
	sedRange := func(l *realLog, from, count int) string {
		return oracle(t, nil, "sed", "-n", "-e", "s/\\r$//", "-e", fmt.Sprintf("%d,%dp", from, from+count-1), l.path)
	}
	for _, l := range logs {
		n := len(l.lines)
		got := runMain(t, "", "--dir", dir, "read", "--job", l.job, "--attempt", "0", "--count", strconv.Itoa(n))
		if got.code != 0 {
			t.Fatalf("read %s: %s", l.job, got.stderr)
		}
		if want := sedRange(l, 1, n); got.stdout != want {
			t.Fatalf("logdb read --job %s differs from sed -n 1,%dp:\n%s", l.job, n, firstDiff(got.stdout, want))
		}
		if got.stderr != "" {
			t.Fatalf("read %s of all %d lines printed %q", l.job, n, got.stderr)
		}
	}
	db := testutil.MustOpenDBAt(t, dir, nil)
	r := rand.New(rand.NewSource(1))
	for _, l := range logs {
		n := len(l.lines)
		for k := 0; k < 4; k++ {
			from := 1 + r.Intn(n)
			count := 1 + r.Intn(min(n, 3000))
			p, err := db.ReadLines(context.Background(), engine.ReadRequest{Job: l.job, From: int64(from), Count: count})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, e := range p.Entries {
				b.WriteString(e.Message)
				b.WriteByte('\n')
			}
			if want := sedRange(l, from, count); b.String() != want {
				t.Fatalf("read %s from %d count %d differs from sed -n %d,%dp:\n%s", l.job, from, count, from, from+count-1, firstDiff(b.String(), want))
			}
			if p.IsEnd != (from+count-1 >= n) || p.LineCount != int64(n) {
				t.Fatalf("read %s from %d count %d of %d lines: IsEnd %v LineCount %d", l.job, from, count, n, p.IsEnd, p.LineCount)
			}
		}
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < min(len(g), len(w)); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d of output:\n got  %q\n want %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}

var (
	fixedWords   = []string{"error", "ERROR", "warning", "test", "failed", "build", "info", "Tests", "exit", "0", "run", "at"}
	fixedRegexps = []string{`\d{3,}`, `[A-Z]{4,}`, `^\[`, `(?i)exception`, `error|fail`, `\.java:\d+\)$`, `^\d{4}-\d\d-\d\dT`, `[^\x00-\x7f]`}
	tokenRE      = regexp.MustCompile(`[A-Za-z0-9_]{3,}`)
)

// Ensure that word, phrase and regex counts over each CI log equal
// grep -ciw, grep -ciF and grep -cP over the same file, one run at a time
// and over the whole store.
func TestRealData_Counts(t *testing.T) {
	if _, err := exec.LookPath("grep"); err != nil {
		t.Skip("grep not installed")
	}
	dir, logs := loadCIDiff(t)
	db, err := engine.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewSource(2))
	total := map[string]int{}
	for _, l := range logs {
		text := bytes.Join(l.lines, []byte("\n"))
		text = append(text, '\n')
		type check struct{ query, flag, arg string }
		var checks []check
		words := append([]string(nil), fixedWords...)
		for k := 0; k < 3; k++ {
			if toks := tokenRE.FindAll(l.lines[r.Intn(len(l.lines))], -1); len(toks) > 0 {
				words = append(words, string(toks[r.Intn(len(toks))]))
			}
		}
		for _, w := range words {
			checks = append(checks, check{w, "-ciw", w})
		}
		for k := 0; k < 4; k++ {
			line := l.lines[r.Intn(len(l.lines))]
			if len(line) < 4 {
				continue
			}
			i := r.Intn(len(line) - 3)
			j := min(len(line), i+3+r.Intn(12))
			p := string(line[i:j])
			if !isPlainASCII(p) {
				continue
			}
			checks = append(checks, check{strconv.Quote(p), "-ciF", p})
		}
		for _, re := range fixedRegexps {
			checks = append(checks, check{"/" + strings.ReplaceAll(re, "/", `\/`) + "/", "-cP", re})
		}
		for i, c := range checks {
			want := strings.TrimSpace(oracle(t, text, "grep", "-a", c.flag, "-e", c.arg))
			got := count(t, db, "job="+strconv.Quote(l.job)+" attempt=0 "+c.query+" | count")
			if got != want {
				t.Errorf("%s: %s | count = %s, grep %s %q says %s", l.job, c.query, got, c.flag, c.arg, want)
			}
			if i < len(fixedWords) {
				n, _ := strconv.Atoi(want)
				total[c.arg] += n
			}
		}
	}
	// The same words over the whole store, the full-text index at work, and
	// once through the binary's code path.
	for _, w := range fixedWords {
		if got := count(t, db, w+" | count"); got != strconv.Itoa(total[w]) {
			t.Errorf("%s | count over all runs = %s, grep totals %d", w, got, total[w])
		}
	}
	db.Close()
	got := runMain(t, "", "--dir", dir, "query", fixedWords[0], "| count")
	if strings.TrimSpace(got.stdout) != strconv.Itoa(total[fixedWords[0]]) {
		t.Errorf("logdb query %s | count = %q, grep totals %d", fixedWords[0], got.stdout, total[fixedWords[0]])
	}
}

// count runs a "| count" query and returns the count as text.
func count(t *testing.T, db *engine.DB, src string) string {
	t.Helper()
	q, err := query.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	rows, err := query.Run(context.Background(), db, q, query.Options{})
	if err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("run %q: no rows: %v", src, rows.Err())
	}
	return fmt.Sprint(rows.Row().Values[0])
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// continuesEntry matches the lines that continue a multi-line entry.
var continuesEntry = regexp.MustCompile(`^(?:[ \t]|Caused by: |\.\.\. \d+ more$|[\w.$]+(?:Exception|Error)(?::|$))`)

// Ensure that level counts on kubelet/klog and Kafka logs equal an
// independent count over the raw files, in which a line that continues an
// entry (indented, "Caused by: ", "... 12 more", an exception's header)
// counts with the level of the line before it.
func TestRealData_Levels(t *testing.T) {
	data := testutil.DataDir(t)
	dir := t.TempDir()
	letters := map[string]string{"I": "Info", "W": "Warn", "E": "Error", "F": "Fatal"}
	cases := []struct {
		file  string
		re    *regexp.Regexp // submatch 1 is the level
		names map[string]string
	}{
		{"k8s-failure-reproduction/C1_kubelet-kind-worker.log", regexp.MustCompile(`^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kubelet\[\d+\]: ([IWEF])\d{4} `), letters},
		{"k8s-failure-reproduction/C1_kubelet-kind-worker2.log", regexp.MustCompile(`^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kubelet\[\d+\]: ([IWEF])\d{4} `), letters},
		{"k8s-failure-reproduction/C1_kube-scheduler.log", regexp.MustCompile(`^([IWEF])\d{4} `), letters},
		{"elastic-examples/kafka/kafka0-server.log.2016-12-19-16", regexp.MustCompile(`^\[[^\]]+\] (INFO|WARN|ERROR|DEBUG|TRACE) `), map[string]string{"INFO": "Info", "WARN": "Warn", "ERROR": "Error", "DEBUG": "Debug", "TRACE": "Trace"}},
		{"elastic-examples/kafka/kafka0-server.log.2016-12-19-20", regexp.MustCompile(`^\[[^\]]+\] (INFO|WARN|ERROR|DEBUG|TRACE) `), map[string]string{"INFO": "Info", "WARN": "Warn", "ERROR": "Error", "DEBUG": "Debug", "TRACE": "Trace"}},
	}
	for i, c := range cases {
		path := filepath.Join(data, c.file)
		job := fmt.Sprintf("log%d", i)
		if r := runMain(t, "", "--dir", dir, "ingest", "--format", "text", "--job", job, path); r.code != 0 {
			t.Fatalf("ingest %s: %s", c.file, r.stderr)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		last := ""
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			switch m := c.re.FindStringSubmatch(line); {
			case m != nil:
				last = c.names[m[1]]
			case strings.TrimSpace(line) == "":
				continue
			case !continuesEntry.MatchString(line):
				last = ""
			}
			want[last]++
		}
		for _, lvl := range []string{"Trace", "Debug", "Info", "Warn", "Error", "Fatal"} {
			got := runMain(t, "", "--dir", dir, "query", "job="+job, "level="+lvl, "| count")
			if strings.TrimSpace(got.stdout) != strconv.Itoa(want[lvl]) {
				t.Errorf("%s: level=%s | count = %s, independent count %d", c.file, lvl, strings.TrimSpace(got.stdout), want[lvl])
			}
		}
	}
}

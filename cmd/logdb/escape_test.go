package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// unsafeAt returns the index of the first byte of s, other than the
// newlines that end its lines and the tabs given as allowed, that a
// terminal would obey as a control: a C0 control, DEL, a C1 control in
// UTF-8, or -1.
func unsafeAt(s string, tabs bool) int {
	for i, r := range s {
		switch {
		case r == '\n', r == '\t' && tabs:
		case r < ' ', r == 0x7f, r >= 0x80 && r <= 0x9f:
			return i
		}
	}
	return -1
}

// Ensure that a job named "a\nb" with a label value "\r\x1b[31m", loaded
// with ingest --format json, cannot forge rows or colours in what runs,
// query, read, run show, tail and gc print in each text format: no raw
// control character and no extra line; that query -o raw keeps the
// message's bytes exact; and that json gives the exact values back.
func TestCLI_EscapeControls(t *testing.T) {
	dir := t.TempDir()
	env := []string{"LOGDB_DIR=" + dir}
	const job, env1, msg = "a\nb", "\r\x1b[31m", "boom\x1b[2J\rforged"
	in := `{"time":"2025-03-20T10:00:00Z","level":"error","job":"a\nb","msg":"boom\u001b[2J\rforged","env":"\r\u001b[31m"}` + "\n"
	if r := runBin(t, in, env, "ingest", "--format", "json", "-"); r.code != 0 {
		t.Fatalf("ingest: %d %q", r.code, r.stderr)
	}
	if r := runBin(t, "", env, "run", "finish", "--job", job, "--status", "failed", "--exit", "2", "--message", "died\x1b[0m\nstatus success"); r.code != 0 {
		t.Fatalf("run finish: %d %q", r.code, r.stderr)
	}

	// check runs logdb and fails unless it printed want lines (0: any),
	// none with a raw control character, and the escaped job name.
	check := func(want int, tabs bool, args ...string) string {
		t.Helper()
		r := runBin(t, "", env, args...)
		if r.code != 0 {
			t.Fatalf("%q: %d %q", args, r.code, r.stderr)
		}
		out := r.stdout + r.stderr
		if i := unsafeAt(out, tabs); i >= 0 {
			t.Fatalf("%q printed a raw control character at %d:\n%q", args, i, out)
		}
		if n := strings.Count(r.stdout, "\n"); want > 0 && n != want {
			t.Fatalf("%q printed %d lines, want %d:\n%s", args, n, want, r.stdout)
		}
		if !strings.Contains(out, `a\nb`) {
			t.Fatalf("%q does not show the job as a\\nb:\n%s", args, out)
		}
		return r.stdout
	}

	for _, f := range []string{"table", "csv", "raw"} {
		lines := 2 // a header and the run
		if f == "raw" {
			lines = 1
		}
		out := check(lines, f == "raw", "runs", "-o", f)
		if !strings.Contains(out, `\r\x1b[31m`) {
			t.Errorf("runs -o %s: the label value is not escaped:\n%s", f, out)
		}
	}
	for _, f := range []string{"table", "csv", "short"} {
		lines := 2
		if f == "short" {
			lines = 1
		}
		out := check(lines, false, "query", "-o", f, "level=Error")
		if !strings.Contains(out, `boom\x1b[2J\rforged`) {
			t.Errorf("query -o %s: the message is not escaped:\n%s", f, out)
		}
		label := `\r\x1b[31m`
		if f == "csv" {
			label = `\r\u001b[31m` // in the labels' JSON object
		}
		if f != "short" && !strings.Contains(out, label) {
			t.Errorf("query -o %s: the label value is not escaped:\n%s", f, out)
		}
	}
	check(1, true, "query", "-o", "raw", "level=Error | fields job, env, msg")
	check(12, false, "run", "show", "--job", job)
	// tail exits 1 for a failed run; its lines and end must be escaped too.
	if r := runBin(t, "", env, "tail", "--job", job, "-o", "short"); r.code != 1 || unsafeAt(r.stdout+r.stderr, false) >= 0 ||
		!strings.Contains(r.stderr, `a\nb/0 failed (exit 2: died\x1b[0m\nstatus success)`) {
		t.Errorf("tail: %d %q %q", r.code, r.stdout, r.stderr)
	}
	time.Sleep(1100 * time.Millisecond) // so that the run is past a 1s retention
	check(1, false, "gc", "--rule", "status=failed:1s", "--dry-run")

	// raw keeps the message exact: it is for pipes.
	if r := runBin(t, "", env, "query", "-o", "raw", "level=Error"); r.stdout != msg+"\n" {
		t.Errorf("query -o raw: %q, want the message exactly", r.stdout)
	}
	if r := runBin(t, "", env, "read", "--job", job, "-o", "raw"); r.stdout != msg+"\n" {
		t.Errorf("read -o raw: %q, want the message exactly", r.stdout)
	}

	// json escapes by its own rules and decodes to the exact values.
	for _, args := range [][]string{{"query", "-o", "json", "level=Error"}, {"runs", "-o", "json"}, {"read", "--job", job, "-o", "json"}} {
		out := check(1, false, args...)
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if m["job"] != job {
			t.Errorf("%q: job %q, want %q", args, m["job"], job)
		}
		if v := m["env"]; v != env1 {
			t.Errorf("%q: env %q, want %q", args, v, env1)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure that ingest, with the real binary, detects layouts without flags,
// says per file what it found, keeps the level as written as a queryable
// label, and gives a stack trace the level of the line that logged it.
func TestCLI_Ingest_TextLayouts(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.log")
	writeTestFile(t, app, "03-17 16:13:38.811  1702  2395 D WindowManager: focus changed\n"+
		"03-17 16:13:39.000  1702  2395 E AndroidRuntime: FATAL EXCEPTION: main\n"+
		"java.lang.IllegalStateException: boom\n"+
		"\tat com.x.Y.f(Y.java:10)\n"+
		"Caused by: java.io.IOException: closed\n"+
		"\t... 12 more\n"+
		"03-17 16:13:40.000  1702  2395 I ActivityManager: restarted\n")
	odd := filepath.Join(dir, "odd.log")
	writeTestFile(t, odd, "28.11.2024 13:04:05 <E> disk failed\n28.11.2024 13:04:06 <I> retried\n")
	r := runBin(t, "", nil, "--dir", dir, "ingest", app, odd)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		app + ": 7 lines: time on 3, level on 3 (logcat 3); 4 continue an entry\n",
		odd + ": 2 lines: time on 0, level on 0\n" + odd + ": warning: no time and no level recognised; give the layout with --time-format",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr\n%s\nlacks %q", r.stderr, want)
		}
	}
	r = runBin(t, "", nil, "--dir", dir, "query", "job=app level=Error", "| fields line")
	if r.code != 0 || r.stdout != "2\n3\n4\n5\n6\n" {
		t.Errorf("level=Error found lines %q (exit %d, %s), want the header and the trace, 2 to 6", r.stdout, r.code, r.stderr)
	}
	r = runBin(t, "", nil, "--dir", dir, "query", "job=app level_text=D")
	if r.code != 0 || r.stdout != "03-17 16:13:38.811  1702  2395 D WindowManager: focus changed\n" {
		t.Errorf("level_text=D found %q (exit %d, %s)", r.stdout, r.code, r.stderr)
	}

	// The odd file with a pattern, and with a time format.
	r = runBin(t, "", nil, "--dir", dir, "ingest", "--job", "odd2",
		"--pattern", `^(?P<time>\S+ \S+) <%{LEVEL:level}> %{GREEDYDATA:msg}`, "--time-format", "%d.%m.%Y %H:%M:%S", odd)
	if r.code != 0 || !strings.Contains(r.stderr, odd+": 2 lines: time on 2, level on 2 (pattern 2)\n") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	r = runBin(t, "", nil, "--dir", dir, "query", "--tz", "UTC", "job=odd2 level=Error", "-o", "json")
	if !strings.Contains(r.stdout, `"level":"Error"`) || !strings.Contains(r.stdout, `"msg":"disk failed"`) ||
		!strings.Contains(r.stdout, `"level_text":"E"`) {
		t.Errorf("pattern entry %q (%s)", r.stdout, r.stderr)
	}
}

// Ensure that a bad --pattern or --time-format is a usage error that
// points at the position, before anything is stored.
func TestCLI_Ingest_BadPattern(t *testing.T) {
	dir := t.TempDir()
	r := runBin(t, "x\n", nil, "--dir", dir, "ingest", "--pattern", `%{TIMESTAMP:time} %{LEVL:level}`, "-")
	want := "bad --pattern: unknown pattern \"LEVL\""
	if r.code != 2 || !strings.Contains(r.stderr, want) ||
		!strings.Contains(r.stderr, "\n  %{TIMESTAMP:time} %{LEVL:level}\n                      ^\n") {
		t.Errorf("exit %d, stderr\n%s\nwant 2 and %q with a caret", r.code, r.stderr, want)
	}
	r = runBin(t, "x\n", nil, "--dir", dir, "ingest", "--time-format", "%Y-%m-%Q", "-")
	if r.code != 2 || !strings.Contains(r.stderr, "unknown conversion %Q") || !strings.Contains(r.stderr, "at column 7\n  %Y-%m-%Q\n        ^") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
}

// Ensure that a binary file is refused with its name and the flag to use,
// storing nothing, and that --binary ingests it.
func TestCLI_Ingest_Binary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "core.bin")
	writeTestFile(t, bin, "ELF\x00\x01\x02\nsecond line\n")
	r := runBin(t, "", nil, "--dir", dir, "ingest", bin)
	if r.code == 0 || !strings.Contains(r.stderr, bin+": ") || !strings.Contains(r.stderr, "--binary ingests it anyway") ||
		!strings.Contains(r.stderr, "no line was stored") {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	r = runBin(t, "", nil, "--dir", dir, "ingest", "--binary", bin)
	if r.code != 0 || !strings.Contains(r.stderr, "ingested 2 lines") {
		t.Fatalf("--binary: exit %d, stderr %s", r.code, r.stderr)
	}
	r = runBin(t, "", nil, "--dir", dir, "query", "job=core", "second")
	if r.stdout != "second line\n" {
		t.Errorf("stored %q", r.stdout)
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

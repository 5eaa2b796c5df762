package repl

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Ensure that Tab completes commands, their arguments, fields, levels,
// time presets, pipes, job ids and the labels seen in results.
func TestShell_Complete(t *testing.T) {
	st := newShell(t, fixtureDB(t), `level=Error`)
	st.run(t) // learns the labels app and env
	for _, tc := range []struct {
		line string
		want []string
	}{
		{`\fol`, []string{`\follow `}},
		{`\f`, []string{`\follow `, `\format `}},
		{`\format j`, []string{"json"}},
		{`\pager o`, []string{"on", "off"}},
		{`\columns time,le`, []string{"level"}},
		{`\columns time,`, []string{"default", "level", "run", "job", "attempt", "line", "labels", "msg", "app", "env"}},
		{`\read d`, []string{"deploy"}},
		{`\read deploy `, []string{"latest", "0", "1"}},
		{`\follow `, []string{"build", "deploy", "level=", "level>=", "job=", "attempt=", "line>=", "line<=", "since=", "until=", "during=", "tz=", "app=", "env="}},
		{`\follow deploy `, []string{"latest", "0", "1"}},
		{`\follow level>=W`, []string{"level>=Warn"}},
		{`\refresh `, []string{"1s", "5s", "10s", "30s", "1m", "5m"}},
		{`\refresh 5s level=e`, []string{"level=Error"}},
		{`\export x.csv `, []string{"raw", "json", "csv", "table", "build", "deploy"}},
		{`\export x.csv json b`, []string{"build"}},
		{`\runs status=f`, []string{"status=failed"}},
		{`\runs dur`, []string{"duration>", "during="}},
		{`\help \re`, []string{`\read`, `\refresh`}},
		{`lev`, []string{"level=", "level>="}},
		{`timeout level=e`, []string{"level=Error"}},
		{`(a OR job=d`, []string{"job=deploy"}},
		{`during=last-1`, []string{"during=last-15m", "during=last-1h", "during=last-1d"}},
		{`since=-1`, []string{"since=-15m", "since=-1h", "since=-1d"}},
		{`tz=Asia`, []string{"tz=Asia/Shanghai"}},
		{`ap`, []string{"app="}},
		{`app=`, []string{"app=billing"}},
		{`x N`, []string{"NOT "}},
		{`x | `, pipeNames},
		{`x | co`, []string{"count", "count by ", "context "}},
		{`x | count by j`, []string{"job"}},
		{`x | fields time, le`, []string{"level"}},
		{`x "a | b" | so`, []string{"sort by "}},
		{`x | limit 1`, nil},
		{`x | st`, []string{"stats ", "stats by ("}},
		{`x | stats q`, []string{"quantile(0.95, "}},
		{`x | stats by (_time:5m, le`, []string{"level"}},
		{`x | stats by (_t`, []string{"_time:1m", "_time:5m", "_time:1h", "_time:1d"}},
		{`x | stats count(), avg(at`, []string{"attempt"}},
		{`x | top 5 `, []string{"by ("}},
		{`x | field_values j`, []string{"job"}},
		{`x | field_`, []string{"field_names", "field_values "}},
		{`x | ex`, []string{"extract ", "extract_regexp "}},
	} {
		head, got, tail := st.sh.Complete(tc.line, len([]rune(tc.line)))
		if !slices.Equal(got, tc.want) {
			t.Errorf("Complete(%q) = %q, want %q", tc.line, got, tc.want)
		}
		for _, c := range got {
			if line := head + c + tail; !strings.HasPrefix(line, strings.TrimRight(tc.line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\\-1=>")) {
				t.Errorf("Complete(%q): %q does not extend the line", tc.line, line)
			}
		}
	}
	// In the middle of a line, the text after the cursor stays.
	head, got, tail := st.sh.Complete(`level=E timeout`, 7)
	if head != "" || !slices.Equal(got, []string{"level=Error"}) || tail != " timeout" {
		t.Errorf("mid-line: %q %q %q", head, got, tail)
	}
}

// Ensure that on a terminal levels are coloured, rows counted, the message
// cut to the screen's width and long results paged; without Color there
// are no escapes.
func TestShell_TTY(t *testing.T) {
	pager := filepath.Join(t.TempDir(), "paged")
	st := newShell(t, fixtureDB(t), `level>=Warn`, `x`, `\pager off`, `job=build`, `\pager on`, `job=build`)
	st.sh.TTY, st.sh.Color = true, true
	st.sh.Size = func() (int, int) { return 70, 8 }
	st.sh.Pager = "cat > " + pager
	st.sh.Banner = "hello"
	st.run(t)
	out := st.out.String()
	for _, want := range []string{
		"hello\n",
		"\x1b[1mLEVEL\x1b[0m",
		"\x1b[33mWarn\x1b[0m ",
		"\x1b[31mError\x1b[0m",
		"compile failed: timeou…\n", // cut to 70 columns
		"\x1b[2m(4 rows · ",
		"\x1b[2m(0 rows · ",
		"\x1b[2m(6 rows · ", // \pager off: printed here
	} {
		if !strings.Contains(out, want) {
			t.Errorf("out lacks %q:\n%q", want, out)
		}
	}
	b, err := os.ReadFile(pager)
	if err != nil || !strings.Contains(string(b), "(6 rows · ") || strings.Count(out, "(6 rows · ") != 1 {
		t.Errorf("paged %q (%v); out %q", b, err, out)
	}

	st = newShell(t, fixtureDB(t), `level>=Warn`)
	st.sh.TTY = true
	st.run(t)
	if strings.Contains(st.out.String(), "\x1b") {
		t.Errorf("escapes without Color: %q", st.out)
	}
}

// Ensure that wide (East Asian) characters line up in tables.
func TestGrid_Wide(t *testing.T) {
	g := grid{header: []string{"A", "B"}, right: []bool{false, false}, rows: [][]cell{{{text: "日志"}, {text: "x"}}, {{text: "ab"}, {text: "y"}}}}
	var b bytes.Buffer
	g.write(&b, 0, false)
	if want := "A     B\n日志  x\nab    y\n"; b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// fakeHistory is a History in memory.
type fakeHistory struct{ lines []string }

func (h *fakeHistory) ReadHistory(r io.Reader) (int, error) {
	b, _ := io.ReadAll(r)
	n := 0
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		h.lines = append(h.lines, l)
		n++
	}
	return n, nil
}

func (h *fakeHistory) WriteHistory(w io.Writer) (int, error) {
	for _, l := range h.lines {
		fmt.Fprintln(w, l)
	}
	return len(h.lines), nil
}

// Ensure that the history is saved under the state directory, private to
// the user, capped at HistoryLimit lines, and loaded back.
func TestHistory(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_STATE_HOME": dir, "HOME": "/nonexistent"}
	path, err := HistoryPath(func(k string) string { return env[k] })
	if err != nil || path != filepath.Join(dir, "logdb", "history") {
		t.Fatalf("HistoryPath = %q, %v", path, err)
	}
	env = map[string]string{"HOME": "/home/u"}
	if p, _ := HistoryPath(func(k string) string { return env[k] }); p != "/home/u/.local/state/logdb/history" {
		t.Fatalf("HistoryPath without XDG_STATE_HOME = %q", p)
	}
	if err := LoadHistory(&fakeHistory{}, path); err != nil {
		t.Fatalf("a missing history: %v", err)
	}
	h := &fakeHistory{}
	for i := range HistoryLimit + 200 {
		h.lines = append(h.lines, fmt.Sprintf("query %d", i))
	}
	if err := SaveHistory(h, path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("history file: %v %v", fi, err)
	}
	back := &fakeHistory{}
	if err := LoadHistory(back, path); err != nil {
		t.Fatal(err)
	}
	if len(back.lines) != HistoryLimit || back.lines[0] != "query 200" || back.lines[HistoryLimit-1] != "query 1199" {
		t.Fatalf("loaded %d lines: %q … %q", len(back.lines), back.lines[0], back.lines[len(back.lines)-1])
	}
}

// Ensure that the script terminal reads lines without their ends, also a
// last line without a newline and CRLF lines.
func TestLineReader(t *testing.T) {
	lr := NewLineReader(strings.NewReader("a\r\nb\n\nc"))
	var got []string
	for {
		l, err := lr.Prompt(promptFirst)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, l)
	}
	if !slices.Equal(got, []string{"a", "b", "", "c"}) {
		t.Fatalf("got %q", got)
	}
}

// Ensure that \command arguments split on blanks and quotes.
func TestFields(t *testing.T) {
	got, err := fields(`a "b c" 'd "e"' "f\"g"  h`)
	if err != nil || !slices.Equal(got, []string{"a", "b c", `d "e"`, `f"g`, "h"}) {
		t.Fatalf("fields = %q, %v", got, err)
	}
	if _, err := fields(`"open`); err == nil {
		t.Fatal("no error for an open quote")
	}
	_ = time.Second
}

package ingest

import (
	"strings"
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that the lines of Java, Python and Go stack traces, "Caused by:"
// chains and indented continuations keep their own line numbers but take
// the level, level text and time of the line that started their entry,
// and that a line of its own ends the entry.
func TestReadText_MultiLineEntries(t *testing.T) {
	in := []struct {
		line  string
		level engine.Level
		text  string
	}{
		{"2024-01-02 03:04:05,000 ERROR [main] com.x.App - request failed", engine.Error, ""},
		{"java.lang.IllegalStateException: boom", engine.Error, ""},
		{"\tat com.x.Y.f(Y.java:10)", engine.Error, ""},
		{"Caused by: java.io.IOException: closed", engine.Error, ""},
		{"\tat com.x.Z.g(Z.java:3)", engine.Error, ""},
		{"\t... 12 more", engine.Error, ""},
		{"... 3 more", engine.Error, ""},
		{"2024-01-02 03:04:06,000 WARN [main] com.x.App - retrying", engine.Warn, ""},
		{"Traceback (most recent call last):", engine.Warn, ""},
		{`  File "x.py", line 3, in f`, engine.Warn, ""},
		{"    raise ValueError(x)", engine.Warn, ""},
		{"ValueError: bad value", engine.Warn, ""},
		{"", engine.NoLevel, ""},
		{"During handling of the above exception, another exception occurred:", engine.Warn, ""},
		{"", engine.NoLevel, ""},
		{"Traceback (most recent call last):", engine.Warn, ""},
		{`  File "y.py", line 9, in g`, engine.Warn, ""},
		{"KeyError: 'k'", engine.Warn, ""},
		{"done with the batch", engine.NoLevel, ""},
		{"\tindented after plain text", engine.NoLevel, ""},
		{"panic: boom", engine.Fatal, "panic"},
		{"", engine.NoLevel, ""},
		{"goroutine 1 [running]:", engine.Fatal, "panic"},
		{"main.main()", engine.Fatal, "panic"},
		{"\t/tmp/x.go:8 +0x18", engine.Fatal, "panic"},
		{"exit status 2", engine.Fatal, "panic"},
		{"2024-01-02 03:04:07,000 INFO next", engine.Info, ""},
		{"main.main()", engine.NoLevel, ""},
	}
	var b strings.Builder
	for _, l := range in {
		b.WriteString(l.line + "\n")
	}
	rs := readAll(t, b.String(), testOptions(FormatText))
	if len(rs) != len(in) {
		t.Fatalf("%d entries, want %d", len(rs), len(in))
	}
	for i, r := range rs {
		text, _ := r.e.Labels.Get(LevelTextLabel)
		if r.err != nil || r.e.Line != int64(i+1) || r.e.Message != in[i].line || r.e.Level != in[i].level || text != in[i].text {
			t.Errorf("line %d: %d %q %v %q, %v; want %q %v %q", i+1, r.e.Line, r.e.Message, r.e.Level, text, r.err,
				in[i].line, in[i].level, in[i].text)
		}
	}
	if rs[1].e.Time != rs[0].e.Time || rs[8].e.Time != rs[7].e.Time {
		t.Errorf("trace lines have times %v, %v; want those of their entries %v, %v",
			rs[1].e.Time, rs[8].e.Time, rs[0].e.Time, rs[7].e.Time)
	}
}

// Ensure that Reader.Stats counts lines, times, levels, continued lines and
// layouts.
func TestReader_Stats(t *testing.T) {
	in := "2024-01-02T03:04:05Z INFO a\n\tat x\nMar 27 13:06:56 host sshd[1]: error: y\n[INFO] z\nplain\n"
	r := NewReader(strings.NewReader(in), "t.log", testOptions(FormatText))
	for {
		if _, err := r.Read(); err != nil {
			break
		}
	}
	st := r.Stats()
	if st.Lines != 5 || st.WithTime != 2 || st.WithLevel != 3 || st.Continued != 1 ||
		len(st.Layouts) != 3 || st.Layouts[layoutISO] != 1 || st.Layouts[layoutSyslog] != 1 || st.Layouts[layoutLevel] != 1 {
		t.Errorf("Stats() = %+v", st)
	}
}

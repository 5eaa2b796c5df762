package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that Options.Pattern, as a regexp or in the grok-like form, gives
// the time, level, message and labels of the lines it matches, and that
// other lines go through detection.
func TestReadText_Pattern(t *testing.T) {
	opts := testOptions(FormatText)
	opts.Location = time.UTC
	tests := []struct {
		pattern string
		line    string
		time    time.Time // zero: the ingest time
		level   engine.Level
		msg     string
		labels  string
	}{
		{`%{TIMESTAMP:time} %{LEVEL:level} %{GREEDYDATA:msg}`, "2024-01-02 03:04:05 warning disk low",
			at(2024, 1, 2, 3, 4, 5, 0), engine.Warn, "disk low", "level_text=warning"},
		{`^(?P<host>\S+) (?P<time>\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [-+]\d{4}) <(?P<level>\w+)> (?P<msg>.*)`,
			"web1 17/May/2015:10:05:03 +0000 <SEVERE> it broke", at(2015, 5, 17, 10, 5, 3, 0), engine.Error, "it broke",
			"host=web1 level_text=SEVERE"},
		{`^%{WORD:app}\|%{INT:pid}\|%{LEVEL:level}\|`, "billing|42|E|charge failed", time.Time{}, engine.Error,
			"billing|42|E|charge failed", "app=billing level_text=E pid=42"},
		{`^%{WORD:app}\|`, "2024-01-02T03:04:05Z INFO no match", at(2024, 1, 2, 3, 4, 5, 0), engine.Info,
			"2024-01-02T03:04:05Z INFO no match", ""},
		{`^(?P<time>\S+) (?P<zone>\w+)`, "2024-01-02T03:04:05Z x", at(2024, 1, 2, 3, 4, 5, 0), engine.NoLevel, "2024-01-02T03:04:05Z x", "zone=x"},
		{`^\S+ <(?P<level>\w)>`, "2024-01-02T03:04:05Z <W> x", at(2024, 1, 2, 3, 4, 5, 0), engine.Warn,
			"2024-01-02T03:04:05Z <W> x", "level_text=W"},
		{`^(?P<time>\S+ \S+) (?P<zone>\w+)`, "Mar  9 20:10:40 x", at(2024, 3, 9, 20, 10, 40, 0), engine.NoLevel, "Mar  9 20:10:40 x", ""},
	}
	for _, tt := range tests {
		o := opts
		o.Pattern = tt.pattern
		rs := readAll(t, tt.line+"\n", o)
		if len(rs) != 1 || rs[0].err != nil {
			t.Fatalf("%s: %+v", tt.pattern, rs)
		}
		e := rs[0].e
		want := testNow
		if !tt.time.IsZero() {
			want = tt.time
		}
		if e.Time != want.UnixNano() || e.Level != tt.level || e.Message != tt.msg || e.Labels.String() != tt.labels {
			t.Errorf("%s on %q: %v %v %q %q; want %v %v %q %q", tt.pattern, tt.line, e.Timestamp(), e.Level, e.Message,
				e.Labels.String(), want.UTC(), tt.level, tt.msg, tt.labels)
		}
	}
}

// Ensure that a bad pattern is an error naming the position with a caret.
func TestCompilePattern_Errors(t *testing.T) {
	tests := []struct {
		pattern string
		msg     string
		caret   int // column of the caret, from 0
	}{
		{`%{TIMESTAMP:time} %{LEVL:level}`, "unknown pattern \"LEVL\"", 20},
		{`%{TIMESTAMP:time} %{LEVEL:le vel}`, "bad field name \"le vel\"", 26},
		{`%{TIMESTAMP:time`, "%{ without a closing }", 0},
		{`(?P<time>\d+ (?P<level>\w+)`, "missing closing )", 27},
		{`(?P<time>\d+) [z-a]`, "invalid character class range `z-a`", 15},
		{`(?P<time>\d+) x**`, "invalid nested repetition operator `**`", 15},
		{`\d+ \w+`, "no named group", 0},
		{`(?P<time>\d+) %{DATA}(?P<a-b>.)`, "invalid named capture `(?P<a-b>`", 21},
	}
	for _, tt := range tests {
		_, err := compilePattern(tt.pattern)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrBadOptions) {
			t.Errorf("%s: %v, want a SyntaxError", tt.pattern, err)
			continue
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != 3 || !strings.Contains(lines[0], tt.msg) || lines[1] != "  "+tt.pattern ||
			lines[2] != "  "+strings.Repeat(" ", tt.caret)+"^" {
			t.Errorf("%s: error\n%v\nwant %q with the caret at column %d", tt.pattern, err, tt.msg, tt.caret+1)
		}
	}
}

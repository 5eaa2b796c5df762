package output_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

// Ensure that Escape writes controls, separators, bidi controls and
// invalid UTF-8 as Go escapes and keeps everything else.
func TestEscape(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"plain text, 日本語, é, \\ and \"quotes\"", "plain text, 日本語, é, \\ and \"quotes\""},
		{"a\nb", `a\nb`},
		{"a\r\nb", `a\r\nb`},
		{"\t\a\b\v\f", `\t\a\b\v\f`},
		{"\x00\x01\x1f", `\x00\x01\x1f`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"del\x7f", `del\x7f`},
		{"c1 \u0085 \u009b", `c1 \u0085 \u009b`},
		{"\u2028\u2029", `\u2028\u2029`},
		{"ab\u202ecd\u2066\u2069\u200e\u200f\u061c", `ab\u202ecd\u2066\u2069\u200e\u200f\u061c`},
		{"bad \xff\xfe utf8 \xe2\x82", `bad \xff\xfe utf8 \xe2\x82`},
		{"\ufffd stays", "\ufffd stays"},
		{"\u00a0nbsp and \u00e9", "\u00a0nbsp and \u00e9"},
	} {
		got := output.Escape(tt.in)
		if got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if bad := firstUnsafe(got); bad >= 0 {
			t.Errorf("Escape(%q) = %q keeps an unsafe byte at %d", tt.in, got, bad)
		}
	}
}

// Ensure that Escape does not allocate for text with nothing to escape.
func TestEscape_NoAlloc(t *testing.T) {
	s := "GET /api/v1/users 200 12ms — ok ✓"
	if n := testing.AllocsPerRun(100, func() { output.Escape(s) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

// firstUnsafe returns the index of the first byte in s that a terminal
// could take for a line end or a control, or -1.
func firstUnsafe(s string) int {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"):
			return i
		case r < ' ', r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0x202e:
			return i
		}
	}
	return -1
}

// hostile is an entry whose job, label and message try to forge rows and
// colours.
func hostile() *query.Row {
	return &query.Row{Kind: query.EntryRow, Entry: &engine.Entry{
		Job: "a\nb", Attempt: 0, Line: 1, Time: t0, Level: engine.Error,
		Message: "msg\r\n2025-03-20 10:00:00.000  Info  forged\x1b[2J\u009b\x7f",
		Labels:  engine.Labels{{Name: "env\n", Value: "\r\x1b[31m"}, {Name: "app", Value: "x\u202ey"}},
	}}
}

// Ensure that no text format lets a job name, label or message write a
// raw control character (each output line ends in the one '\n' the writer
// puts there; raw and short separate record values with tabs), that raw
// keeps an entry's message exact, and that json decodes to the exact
// values.
func TestFormats_EscapeControls(t *testing.T) {
	e := hostile().Entry
	rec := record([]string{"job", "env\n", "msg"}, e.Job, e.Labels[0].Value, e.Message)
	for _, format := range output.Formats() {
		t.Run(format, func(t *testing.T) {
			o := output.Options{Format: format}
			header := 0
			if format == "table" || format == "csv" || format == "chart" { // chart writes a table of what it cannot chart
				header = 1
			}
			for _, row := range []*query.Row{hostile(), rec} {
				got := write(t, o, row)
				if format == "raw" && row.Kind == query.EntryRow {
					if got != e.Message+"\n" {
						t.Fatalf("raw changed the message: %q", got)
					}
					continue
				}
				lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
				if len(lines) != header+1 {
					t.Fatalf("%d lines, want %d:\n%s", len(lines), header+1, got)
				}
				for _, l := range lines {
					if format == "raw" || format == "short" {
						l = strings.ReplaceAll(l, "\t", " ")
					}
					if i := firstUnsafe(l); i >= 0 {
						t.Fatalf("unsafe byte at %d in %q", i, l)
					}
				}
				switch {
				case format == "json" && row.Kind == query.EntryRow:
					var m map[string]any
					if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
						t.Fatal(err)
					}
					if m["job"] != e.Job || m["msg"] != e.Message || m["env\n"] != e.Labels[0].Value || m["app"] != e.Labels[1].Value {
						t.Fatalf("json did not decode to the exact values: %q", m)
					}
				case format == "csv" && row.Kind == query.EntryRow:
					recs, err := csv.NewReader(bytes.NewBufferString(got)).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					if recs[1][2] != `a\nb` || !strings.HasPrefix(recs[1][5], `msg\r\n2025`) {
						t.Fatalf("csv: %q", recs[1])
					}
					var labels map[string]string
					if err := json.Unmarshal([]byte(recs[1][6]), &labels); err != nil || labels["env\n"] != "\r\x1b[31m" || labels["app"] != "x\u202ey" {
						t.Fatalf("csv labels: %q %v", recs[1][6], err)
					}
				case (format == "raw" || format == "short") && row.Kind == query.RecordRow:
					if want := `a\nb` + "\t" + `\r\x1b[31m` + "\t" + output.Escape(e.Message) + "\n"; got != want {
						t.Fatalf("record: %q, want %q", got, want)
					}
				}
			}
		})
	}
}

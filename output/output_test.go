package output_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

var t0 = time.Date(2025, 3, 20, 10, 0, 0, 5, time.UTC).UnixNano()

func entry(line int64, lv engine.Level, msg string, labels ...string) *query.Row {
	var ls engine.Labels
	for i := 0; i+1 < len(labels); i += 2 {
		ls = append(ls, engine.Label{Name: labels[i], Value: labels[i+1]})
	}
	return &query.Row{Kind: query.EntryRow, Entry: &engine.Entry{
		Job: "etl-1", Attempt: 2, Line: line, Time: t0 + line*1e9, Level: lv, Message: msg, Labels: ls}}
}

func contextRow(r *query.Row) *query.Row { r.Context = true; return r }

var sep = &query.Row{Kind: query.SeparatorRow}

func record(cols []string, vals ...any) *query.Row {
	return &query.Row{Kind: query.RecordRow, Columns: cols, Values: vals}
}

func write(t *testing.T, opts output.Options, rows ...*query.Row) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := output.New(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func check(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

var countCols = []string{"count"}
var byCols = []string{"job", "level", "count"}

// Ensure that raw writes messages, values and separators as grep would.
func TestRaw(t *testing.T) {
	o := output.Options{Format: "raw"}
	check(t, "entries", write(t, o, entry(1, engine.Info, "hello"), contextRow(entry(2, engine.Error, "a\tb")), sep, entry(9, 0, "x")),
		"hello\na\tb\n--\nx\n")
	check(t, "count", write(t, o, record(countCols, int64(42))), "42\n")
	check(t, "count by", write(t, o, record(byCols, "etl-1", engine.Error, int64(3)), record(byCols, "etl-2", engine.NoLevel, int64(1))),
		"etl-1\tError\t3\netl-2\t\t1\n")
	tm := time.Date(2025, 3, 20, 18, 0, 0, 0, time.FixedZone("+08:00", 8*3600))
	check(t, "time", write(t, o, record([]string{"time", "msg"}, tm, "m")), "2025-03-20T18:00:00.000000000+08:00\tm\n")
}

// Ensure that json writes one object per line with the documented keys,
// and renames labels that clash with them.
func TestJSON(t *testing.T) {
	o := output.Options{Format: "json"}
	got := write(t, o,
		entry(1, engine.Warn, "say \"hi\"\n", "app", "billing", "env", "prod"),
		contextRow(entry(2, engine.NoLevel, "ctx")),
		sep,
		entry(3, engine.Error, "clash", "level", "x", "msg", "y", "label.msg", "z", "zz", "1"),
	)
	want := `{"time":"2025-03-20T10:00:01.000000005Z","level":"Warn","job":"etl-1","attempt":2,"line":1,"msg":"say \"hi\"\n","app":"billing","env":"prod"}
{"time":"2025-03-20T10:00:02.000000005Z","level":"","job":"etl-1","attempt":2,"line":2,"msg":"ctx","context":true}
{"separator":true}
{"time":"2025-03-20T10:00:03.000000005Z","level":"Error","job":"etl-1","attempt":2,"line":3,"msg":"clash","label.level":"x","label.msg":"z","zz":"1"}
`
	check(t, "entries", got, want)
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("invalid JSON %s: %v", l, err)
		}
	}
	check(t, "count", write(t, o, record(countCols, int64(7))), `{"count":7}`+"\n")
	tm := time.Date(2025, 3, 20, 18, 0, 0, 0, time.FixedZone("+08:00", 8*3600))
	check(t, "records", write(t, o, record([]string{"time", "level", "job", "count"}, tm, engine.Fatal, "j", int64(-1))),
		`{"time":"2025-03-20T10:00:00.000000000Z","level":"Fatal","job":"j","count":-1}`+"\n")
	check(t, "invalid utf-8", write(t, o, record([]string{"msg"}, "a\xffb")), `{"msg":"a\ufffdb"}`+"\n")
}

// Ensure that labels of kind number and bool are written unquoted as their
// text, strings of digits stay strings, a kind whose text is not a JSON
// value of it falls back to a string, and csv, table and raw show the text
// as before.
func TestJSON_LabelKinds(t *testing.T) {
	r := entry(1, engine.Info, "hi")
	r.Entry.Labels = engine.Labels{
		{Name: "bad", Value: "1.", Kind: engine.LabelNumber},
		{Name: "f", Value: "1.50e3", Kind: engine.LabelNumber},
		{Name: "n", Value: "-3", Kind: engine.LabelNumber},
		{Name: "no", Value: "yes", Kind: engine.LabelBool},
		{Name: "ok", Value: "true", Kind: engine.LabelBool},
		{Name: "s", Value: "3"},
	}
	check(t, "json", write(t, output.Options{Format: "json"}, r),
		`{"time":"2025-03-20T10:00:01.000000005Z","level":"Info","job":"etl-1","attempt":2,"line":1,"msg":"hi","bad":"1.","f":1.50e3,"n":-3,"no":"yes","ok":true,"s":"3"}`+"\n")
	check(t, "csv", write(t, output.Options{Format: "csv"}, r),
		"time,level,job,attempt,line,msg,labels\n"+
			`2025-03-20T10:00:01.000000005Z,Info,etl-1,2,1,hi,"{""bad"":""1."",""f"":""1.50e3"",""n"":""-3"",""no"":""yes"",""ok"":""true"",""s"":""3""}"`+"\n")
	for _, n := range []string{"0", "-0", "12", "1.5", "1e5", "1E+5", "-0.5e-3"} {
		r.Entry.Labels = engine.Labels{{Name: "x", Value: n, Kind: engine.LabelNumber}}
		if got := write(t, output.Options{Format: "json"}, r); !strings.Contains(got, `"x":`+n+"}") {
			t.Errorf("number %s: %s", n, got)
		}
	}
	for _, n := range []string{"", "-", "01", ".5", "1e", "+1", "0x1", "NaN", "1 "} {
		r.Entry.Labels = engine.Labels{{Name: "x", Value: n, Kind: engine.LabelNumber}}
		if got := write(t, output.Options{Format: "json"}, r); !strings.Contains(got, `"x":"`+n+`"}`) {
			t.Errorf("not a number %q: %s", n, got)
		}
	}
}

// Ensure that csv writes a header and quotes as RFC 4180 wants.
func TestCSV(t *testing.T) {
	o := output.Options{Format: "csv"}
	check(t, "entries", write(t, o, entry(1, engine.Info, `a,"b"`, "app", "x"), sep, contextRow(entry(2, 0, "c"))),
		"time,level,job,attempt,line,msg,labels\n"+
			`2025-03-20T10:00:01.000000005Z,Info,etl-1,2,1,"a,""b""","{""app"":""x""}"`+"\n"+
			"2025-03-20T10:00:02.000000005Z,,etl-1,2,2,c,{}\n")
	check(t, "records", write(t, o, record(byCols, "etl-1", engine.Error, int64(3))), "job,level,count\netl-1,Error,3\n")
}

// Ensure that table aligns columns, right-aligns numbers, leaves out an
// empty LABELS column and marks hits when there is context.
func TestTable(t *testing.T) {
	o := output.Options{Format: "table"}
	check(t, "entries", write(t, o, entry(1, engine.Info, "hello"), entry(10, engine.Error, "multi\nline")),
		"TIME                     LEVEL  JOB    ATTEMPT  LINE  MSG\n"+
			"2025-03-20 10:00:01.000  Info   etl-1        2     1  hello\n"+
			"2025-03-20 10:00:10.000  Error  etl-1        2    10  multi\\nline\n")
	check(t, "labels and context", write(t, o, contextRow(entry(1, engine.Info, "a", "app", "x y")), entry(2, engine.Warn, "b"), sep, entry(7, engine.Warn, "c")),
		"   TIME                     LEVEL  JOB    ATTEMPT  LINE  LABELS     MSG\n"+
			"   2025-03-20 10:00:01.000  Info   etl-1        2     1  app=\"x y\"  a\n"+
			">  2025-03-20 10:00:02.000  Warn   etl-1        2     2             b\n"+
			"--\n"+
			">  2025-03-20 10:00:07.000  Warn   etl-1        2     7             c\n")
	check(t, "records", write(t, o, record(byCols, "etl-1", engine.Error, int64(3)), record(byCols, "api", engine.NoLevel, int64(12))),
		"JOB    LEVEL  COUNT\n"+
			"etl-1  Error      3\n"+
			"api              12\n")
	shanghai := time.FixedZone("CST", 8*3600)
	check(t, "location", write(t, output.Options{Format: "table", Location: shanghai}, entry(1, engine.Info, "x")),
		"TIME                     LEVEL  JOB    ATTEMPT  LINE  MSG\n"+
			"2025-03-20 18:00:01.000  Info   etl-1        2     1  x\n")
	check(t, "empty", write(t, o), "")
}

// Ensure that each Flush of table writes an aligned block of its own.
func TestTable_FlushBlocks(t *testing.T) {
	var buf bytes.Buffer
	w, _ := output.NewWriter(&buf, "table")
	w.Write(record(countCols, int64(1)))
	w.Flush()
	w.Write(record(countCols, int64(100)))
	w.Flush()
	check(t, "blocks", buf.String(), "COUNT\n    1\nCOUNT\n  100\n")
}

// Ensure that short writes one journalctl-like line per entry, in the
// zone asked for, escaping control characters, and records as raw.
func TestShort(t *testing.T) {
	o := output.Options{Format: "short", Location: time.FixedZone("+08:00", 8*3600)}
	check(t, "entries", write(t, o, entry(1, engine.Info, "hello"), entry(12, engine.Error, "a\tb\nc"), entry(3, 0, "no level")),
		"2025-03-20 18:00:01.000 Info  etl-1/2:1 hello\n"+
			"2025-03-20 18:00:12.000 Error etl-1/2:12 a\\tb\\nc\n"+
			"2025-03-20 18:00:03.000 -     etl-1/2:3 no level\n")
	check(t, "records", write(t, o, record(byCols, "etl-1", engine.Error, int64(3)), sep), "etl-1\tError\t3\n--\n")
}

// Ensure that NewWriter rejects unknown formats.
func TestNewWriter_Unknown(t *testing.T) {
	_, err := output.NewWriter(&bytes.Buffer{}, "xml")
	if !errors.Is(err, output.ErrUnknownFormat) {
		t.Errorf("err = %v, want ErrUnknownFormat", err)
	}
	if got := strings.Join(output.Formats(), ","); got != "chart,csv,json,raw,short,table" {
		t.Errorf("Formats() = %s", got)
	}
}

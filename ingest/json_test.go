package ingest

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// testNow is the ingest time the mapping tests inject.
var testNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// testOptions returns options with a fixed clock and zone.
func testOptions(f Format) Options {
	return Options{
		Format:   f,
		Job:      "optjob",
		Attempt:  2,
		Location: time.FixedZone("X", 3600),
		Now:      func() time.Time { return testNow },
	}
}

// result is what one line gives: an entry or a line error.
type result struct {
	e   engine.Entry
	err error
}

// readAll reads every entry and line error of in.
func readAll(t testing.TB, in string, opts Options) []result {
	t.Helper()
	r := NewReader(strings.NewReader(in), "t.log", opts)
	var out []result
	for {
		e, err := r.Read()
		if err == io.EOF {
			return out
		}
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("Read: fatal error %v", err)
		}
		out = append(out, result{e, err})
	}
}

// readOne reads the single entry of a one-line input.
func readOne(t *testing.T, line string, f Format) (engine.Entry, error) {
	t.Helper()
	rs := readAll(t, line, testOptions(f))
	if len(rs) != 1 {
		t.Fatalf("%q gave %d results, want 1", line, len(rs))
	}
	return rs[0].e, rs[0].err
}

func ns(tm time.Time) int64 { return tm.UnixNano() }

func labels(kv ...string) engine.Labels {
	var ls engine.Labels
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, engine.Label{Name: kv[i], Value: kv[i+1]})
	}
	return ls
}

// typed gives the labels of ls named by names the kind a JSON value of
// their text has: bool for true and false, else number.
func typed(ls engine.Labels, names ...string) engine.Labels {
	for i := range ls {
		for _, n := range names {
			if ls[i].Name != n {
				continue
			}
			ls[i].Kind = engine.LabelNumber
			if ls[i].Value == "true" || ls[i].Value == "false" {
				ls[i].Kind = engine.LabelBool
			}
		}
	}
	return ls
}

type mappingTest struct {
	name string
	in   string
	want engine.Entry // Line is always 1
}

func runMappingTests(t *testing.T, f Format, tests []mappingTest) {
	t.Helper()
	for _, tt := range tests {
		got, err := readOne(t, tt.in, f)
		if err != nil {
			t.Errorf("%s: %q: %v", tt.name, tt.in, err)
			continue
		}
		tt.want.Line = 1
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %q\n got %+v\nwant %+v", tt.name, tt.in, got, tt.want)
		}
	}
}

// Ensure that json lines map onto entries: time, level, message, run and
// labels, with the documented fallbacks.
func TestReadJSON_Mapping(t *testing.T) {
	t0 := ns(time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC))
	now := ns(testNow)
	zone := time.FixedZone("X", 3600)
	runMappingTests(t, FormatJSON, []mappingTest{
		{"basic", `{"time":"2024-01-02T03:04:05.123456789Z","level":"info","msg":"hello","user":"bob"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0, Level: engine.Info, Message: "hello", Labels: labels("user", "bob")}},
		{"ts seconds", `{"ts":1704164645.123456789,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0, Message: "x"}},
		{"timestamp millis", `{"timestamp":1704164645123,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0 - 456789, Message: "x"}},
		{"@timestamp micros string", `{"@timestamp":"1704164645123456","msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0 - 789, Message: "x"}},
		{"_time nanos", `{"_time":1704164645123456789,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0, Message: "x"}},
		{"exponent seconds", `{"ts":1.704164645e9,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0 - 123456789, Message: "x"}},
		{"zone-less time uses Location", `{"time":"2024-01-02 03:04:05","msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: ns(time.Date(2024, 1, 2, 3, 4, 5, 0, zone)), Message: "x"}},
		{"bad time is a label", `{"time":"yesterday","msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: labels("time", "yesterday")}},
		{"negative time is a label", `{"ts":-5,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: typed(labels("ts", "-5"), "ts")}},
		{"first time wins", `{"time":"2024-01-02T03:04:05.123456789Z","ts":5,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0, Message: "x", Labels: typed(labels("ts", "5"), "ts")}},
		{"severity alias", `{"severity":"WARNING","message":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Level: engine.Warn, Message: "x", Labels: labels("level_text", "WARNING")}},
		{"lvl letter", `{"lvl":"E","_msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Level: engine.Error, Message: "x", Labels: labels("level_text", "E")}},
		{"pino level", `{"level":30,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Level: engine.Info, Message: "x", Labels: typed(labels("level_text", "30"), "level_text")}},
		{"pino fatal", `{"level":60,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Level: engine.Fatal, Message: "x", Labels: typed(labels("level_text", "60"), "level_text")}},
		{"syslog severity", `{"level":3,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Level: engine.Error, Message: "x", Labels: typed(labels("level_text", "3"), "level_text")}},
		{"syslog severity string", `{"level":"7","msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Level: engine.Debug, Message: "x", Labels: labels("level_text", "7")}},
		{"unknown level number is a label", `{"level":35,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: typed(labels("level", "35"), "level")}},
		{"unknown level name is a label", `{"level":"loud","msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: labels("level", "loud")}},
		{"docker log", `{"log":"line one\n","stream":"stderr","time":"2024-01-02T03:04:05.123456789Z"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0, Message: "line one", Labels: labels("stream", "stderr")}},
		{"escaped message", `{"msg":"tab\there \"q\" \u00e9 \ud83d\ude00"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "tab\there \"q\" é 😀"}},
		{"first message wins", `{"msg":"a","message":"b"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "a", Labels: labels("message", "b")}},
		{"number message", `{"msg":42}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "42"}},
		{"object message", `{"msg": {"a": [1, 2]}}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: `{"a":[1,2]}`}},
		{"null message keeps the line", `{"msg":null,"a":1}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: `{"msg":null,"a":1}`, Labels: typed(labels("a", "1"), "a")}},
		{"no message keeps the line", `{"a":"x", "b":2}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: `{"a":"x", "b":2}`, Labels: typed(labels("a", "x", "b", "2"), "b")}},
		{"job and attempt", `{"job":"build","attempt":3,"msg":"x"}`,
			engine.Entry{Job: "build", Attempt: 3, Time: now, Message: "x"}},
		{"job_id number, attempt string", `{"job_id":77,"attempt":"1","msg":"x"}`,
			engine.Entry{Job: "77", Attempt: 1, Time: now, Message: "x"}},
		{"bad run keys are labels", `{"job":"","attempt":-1,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: typed(labels("attempt", "-1", "job", ""), "attempt")}},
		{"attempt fraction is a label", `{"attempt":1.5,"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: typed(labels("attempt", "1.5"), "attempt")}},
		{"job with NUL is a label", `{"job":"a\u0000b","msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: labels("job", "a\x00b")}},
		{"label types", `{"msg":"x","n":-1.5e3,"t":true,"f":false,"z":null,"arr":[1, "two", {"three": 3}],"s":""}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x",
				Labels: typed(labels("arr", `[1,"two",{"three":3}]`, "f", "false", "n", "-1.5e3", "s", "", "t", "true"), "f", "n", "t")}},
		{"nested objects", `{"msg":"x","req":{"id":"a","hdr":{"ua":"curl"},"empty":{}},"b":{"msg":"inner"}}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x",
				Labels: labels("b.msg", "inner", "req.empty", "{}", "req.hdr.ua", "curl", "req.id", "a")}},
		{"nested special keys are labels", `{"a":{"time":"2024-01-02T03:04:05Z","level":"error"},"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x",
				Labels: labels("a.level", "error", "a.time", "2024-01-02T03:04:05Z")}},
		{"object under a time key is flattened", `{"time":{"s":1},"msg":"x"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: typed(labels("time.s", "1"), "time.s")}},
		{"duplicate names keep the last", `{"msg":"x","a":1,"a":2,"b.c":3,"b":{"c":4}}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: typed(labels("a", "2", "b.c", "4"), "a", "b.c")}},
		{"escaped key", `{"m\u0073g":"x","k\"ey":"v"}`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: labels(`k"ey`, "v")}},
		{"invalid UTF-8 becomes U+FFFD", "{\"msg\":\"a\xffb\"}",
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "a\uFFFDb"}},
		{"BOM and CRLF", "\xef\xbb\xbf{\"msg\":\"x\"}\r\n",
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x"}},
		{"whitespace", " \t{ \"msg\" : \"x\" } \t",
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x"}},
	})
}

// Ensure that a json line that is not an object, or not JSON, is a
// *LineError with a useful message, and that blank lines are skipped.
func TestReadJSON_Errors(t *testing.T) {
	tests := []struct {
		in   string
		want error
		text string // in the error message
	}{
		{`[1,2]`, ErrNotObject, "t.log:1: not a JSON object"},
		{`"str"`, ErrNotObject, ""},
		{`42`, ErrNotObject, ""},
		{`{"a":1`, ErrInvalidJSON, "t.log:1: invalid JSON: "},
		{`{"a":1}x`, ErrInvalidJSON, ""},
		{`{"a":1} {"b":2}`, ErrInvalidJSON, "more than one value"},
		{`{"a":01}`, ErrInvalidJSON, ""},
		{`{"a":1.2.3}`, ErrInvalidJSON, ""},
		{`{"a":nan}`, ErrInvalidJSON, ""},
		{"{\"a\":\"x\ty\"}", ErrInvalidJSON, ""},
		{`{"a":"\u12"}`, ErrInvalidJSON, ""},
		{`{a:1}`, ErrInvalidJSON, ""},
		{`{"a":1,}`, ErrInvalidJSON, ""},
		{`plain text`, ErrInvalidJSON, ""},
		{`}`, ErrInvalidJSON, ""},
	}
	for _, tt := range tests {
		_, err := readOne(t, tt.in, FormatJSON)
		var le *LineError
		if !errors.As(err, &le) || !errors.Is(err, tt.want) || le.Line != 1 || le.File != "t.log" {
			t.Errorf("%q: got %v, want a *LineError wrapping %v", tt.in, err, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%q: error %q does not contain %q", tt.in, err, tt.text)
		}
	}

	// A message that grows past the limit as invalid UTF-8 becomes U+FFFD.
	opts := testOptions(FormatJSON)
	opts.MaxLineBytes = 20
	rs := readAll(t, "{\"msg\":\"\xff\xff\xff\xff\xff\xff\xff\xff\"}", opts)
	if len(rs) != 1 || !errors.Is(rs[0].err, ErrLineTooLong) {
		t.Errorf("expanding message: got %+v, want ErrLineTooLong", rs)
	}

	// Blank lines are not entries; the Reader goes on after a bad line and
	// counts lines like sed.
	rs = readAll(t, "\n  \n{\"msg\":\"a\"}\n[]\n\r\n{\"msg\":\"b\"}", testOptions(FormatJSON))
	if len(rs) != 3 || rs[0].e.Message != "a" || rs[0].e.Line != 3 ||
		!errors.Is(rs[1].err, ErrNotObject) || rs[1].err.(*LineError).Line != 4 ||
		rs[2].e.Message != "b" || rs[2].e.Line != 6 {
		t.Errorf("got %+v", rs)
	}
}

// Ensure that a line without a time gets the previous line's, and the
// ingest time before any.
func TestReadJSON_TimeFallback(t *testing.T) {
	rs := readAll(t, `{"msg":"a"}
{"ts":1700000000,"msg":"b"}
{"msg":"c"}`, testOptions(FormatJSON))
	want := []int64{ns(testNow), 1700000000e9, 1700000000e9}
	for i, r := range rs {
		if r.e.Time != want[i] {
			t.Errorf("line %d: time %d, want %d", i+1, r.e.Time, want[i])
		}
	}
}

// Ensure that JSON numbers and booleans give labels of their kind with the
// text as the line had it, that strings (of digits too), arrays and empty
// objects give strings, and that logfmt values are all strings.
func TestReadJSON_LabelKinds(t *testing.T) {
	e, err := readOne(t, `{"_time":"2026-01-02T03:04:05Z","_msg":"hi","n":3,"f":1.50e3,"ok":true,"no":false,"s":"3","o":{"d":-0.5,"e":{}},"a":[1],"z":null}`, FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Labels{
		{Name: "a", Value: "[1]"},
		{Name: "f", Value: "1.50e3", Kind: engine.LabelNumber},
		{Name: "n", Value: "3", Kind: engine.LabelNumber},
		{Name: "no", Value: "false", Kind: engine.LabelBool},
		{Name: "o.d", Value: "-0.5", Kind: engine.LabelNumber},
		{Name: "o.e", Value: "{}"},
		{Name: "ok", Value: "true", Kind: engine.LabelBool},
		{Name: "s", Value: "3"},
	}
	if !reflect.DeepEqual(e.Labels, want) {
		t.Errorf("labels = %+v\nwant %+v", e.Labels, want)
	}
	e, err = readOne(t, `msg=hi n=3 ok=true`, FormatLogfmt)
	if err != nil {
		t.Fatal(err)
	}
	if want := labels("n", "3", "ok", "true"); !reflect.DeepEqual(e.Labels, want) {
		t.Errorf("logfmt labels = %+v, want %+v", e.Labels, want)
	}
}

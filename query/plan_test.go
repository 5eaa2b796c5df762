package query

import (
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// now is a Thursday: 2025-03-20 10:30:00 UTC, 18:30 in Shanghai.
var testNow = time.Date(2025, 3, 20, 10, 30, 0, 0, time.UTC)

func ns(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UnixNano()
}

// Ensure that filters lower to the expected engine filters.
func TestNewPlan_Filter(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	tests := []struct {
		in   string
		loc  *time.Location // default UTC
		want engine.Filter
	}{
		{"", nil, nil},
		{"*", nil, nil},
		{"timeout", nil, engine.WordFilter{Word: "timeout"}},
		{`"connection reset"`, nil, engine.PhraseFilter{Text: "connection reset"}},
		{`/time(d)?out/`, nil, engine.RegexpFilter{Regexp: regexp.MustCompile("time(d)?out")}},
		{"a b c", nil, engine.AndFilter{engine.WordFilter{Word: "a"}, engine.WordFilter{Word: "b"}, engine.WordFilter{Word: "c"}}},
		{"a (b c) * d", nil, engine.AndFilter{engine.WordFilter{Word: "a"}, engine.WordFilter{Word: "b"}, engine.WordFilter{Word: "c"}, engine.WordFilter{Word: "d"}}},
		{"a OR b c OR d", nil, engine.OrFilter{
			engine.WordFilter{Word: "a"},
			engine.AndFilter{engine.WordFilter{Word: "b"}, engine.WordFilter{Word: "c"}},
			engine.WordFilter{Word: "d"}}},
		{"a OR *", nil, nil},
		{"NOT *", nil, engine.OrFilter{}},
		{"-a NOT (b OR c)", nil, engine.AndFilter{
			engine.NotFilter{Filter: engine.WordFilter{Word: "a"}},
			engine.NotFilter{Filter: engine.OrFilter{engine.WordFilter{Word: "b"}, engine.WordFilter{Word: "c"}}}}},
		{"not found", nil, engine.AndFilter{engine.WordFilter{Word: "not"}, engine.WordFilter{Word: "found"}}},
		{"level=Error", nil, engine.LevelFilter{Op: engine.Eq, Level: engine.Error}},
		{"level>=warning", nil, engine.LevelFilter{Op: engine.Ge, Level: engine.Warn}},
		{"level!=E", nil, engine.LevelFilter{Op: engine.Ne, Level: engine.Error}},
		{"level<info", nil, engine.LevelFilter{Op: engine.Lt, Level: engine.Info}},
		{"job=abc", nil, engine.JobFilter{Op: engine.Eq, Pattern: "abc"}},
		{"job!=etl-*", nil, engine.JobFilter{Op: engine.Ne, Pattern: "etl-*"}},
		{"attempt=2", nil, engine.AttemptFilter{Op: engine.Eq, Attempt: 2}},
		{"attempt=latest", nil, engine.AttemptFilter{Op: engine.Eq, Attempt: engine.Latest}},
		{"attempt=-1", nil, engine.AttemptFilter{Op: engine.Eq, Attempt: -1}},
		{"attempt>=1", nil, engine.AttemptFilter{Op: engine.Ge, Attempt: 1}},
		{"app=billing", nil, engine.LabelFilter{Name: "app", Op: engine.Eq, Pattern: "billing"}},
		{"env!=prod", nil, engine.LabelFilter{Name: "env", Op: engine.Ne, Pattern: "prod"}},
		{`flow=etl-* x=""`, nil, engine.AndFilter{
			engine.LabelFilter{Name: "flow", Op: engine.Eq, Pattern: "etl-*"},
			engine.LabelFilter{Name: "x", Op: engine.Eq, Pattern: ""}}},
		{"line>=100 line<=200", nil, engine.AndFilter{engine.LineFilter{Op: engine.Ge, Line: 100}, engine.LineFilter{Op: engine.Le, Line: 200}}},
		{"line!=7", nil, engine.LineFilter{Op: engine.Ne, Line: 7}},
		{"since=-1h", nil, engine.TimeFilter{Since: ns("2025-03-20T09:30:00Z")}},
		{"until=-5m", nil, engine.TimeFilter{Until: ns("2025-03-20T10:25:00Z")}},
		{"since=-1h30m until=now", nil, engine.AndFilter{
			engine.TimeFilter{Since: ns("2025-03-20T09:00:00Z")},
			engine.TimeFilter{Until: ns("2025-03-20T10:30:00Z")}}},
		{"since=-2d", nil, engine.TimeFilter{Since: ns("2025-03-18T10:30:00Z")}},
		{"since=-1w", nil, engine.TimeFilter{Since: ns("2025-03-13T10:30:00Z")}},
		{"since=+1h", nil, engine.TimeFilter{Since: ns("2025-03-20T11:30:00Z")}},
		{"since=2025-03-20T00:00:00Z", shanghai, engine.TimeFilter{Since: ns("2025-03-20T00:00:00Z")}},
		{"since=2025-03-20T08:00:00.5+08:00", nil, engine.TimeFilter{Since: ns("2025-03-20T00:00:00.5Z")}},
		{`since="2025-03-20 00:00:00"`, nil, engine.TimeFilter{Since: ns("2025-03-20T00:00:00Z")}},
		{`since="2025-03-20 00:00:00"`, shanghai, engine.TimeFilter{Since: ns("2025-03-19T16:00:00Z")}},
		{`since="2025-03-20 08:15"`, shanghai, engine.TimeFilter{Since: ns("2025-03-20T00:15:00Z")}},
		{`until=2025-03-21`, shanghai, engine.TimeFilter{Until: ns("2025-03-20T16:00:00Z")}},
		{`since=2025-03-20T01:02:03`, nil, engine.TimeFilter{Since: ns("2025-03-20T01:02:03Z")}},
		// tz= applies to the whole query, wherever it stands.
		{`since="2025-03-20 00:00:00" tz=+08:00`, nil, engine.TimeFilter{Since: ns("2025-03-19T16:00:00Z")}},
		{`tz=Asia/Shanghai (since="2025-03-20 00:00:00")`, nil, engine.TimeFilter{Since: ns("2025-03-19T16:00:00Z")}},
		{`since="2025-03-20 00:00:00" tz=UTC`, shanghai, engine.TimeFilter{Since: ns("2025-03-20T00:00:00Z")}},
		{`tz=-0530 since=2025-03-20`, nil, engine.TimeFilter{Since: ns("2025-03-20T05:30:00Z")}},
		{`tz=UTC`, nil, nil},
		{`a tz=UTC`, nil, engine.WordFilter{Word: "a"}},
		// Calendar ranges: now is Thursday 2025-03-20 10:30 UTC.
		{"during=today", nil, engine.TimeFilter{Since: ns("2025-03-20T00:00:00Z"), Until: ns("2025-03-21T00:00:00Z")}},
		{"during=yesterday", nil, engine.TimeFilter{Since: ns("2025-03-19T00:00:00Z"), Until: ns("2025-03-20T00:00:00Z")}},
		{"during=day-before-yesterday", nil, engine.TimeFilter{Since: ns("2025-03-18T00:00:00Z"), Until: ns("2025-03-19T00:00:00Z")}},
		{"during=this-week", nil, engine.TimeFilter{Since: ns("2025-03-17T00:00:00Z"), Until: ns("2025-03-24T00:00:00Z")}},
		{"during=last-week", nil, engine.TimeFilter{Since: ns("2025-03-10T00:00:00Z"), Until: ns("2025-03-17T00:00:00Z")}},
		{"during=last-5m", nil, engine.TimeFilter{Since: ns("2025-03-20T10:25:00Z")}},
		{"during=last-30d", nil, engine.TimeFilter{Since: ns("2025-02-18T10:30:00Z")}},
		{"during=2025-03-01", nil, engine.TimeFilter{Since: ns("2025-03-01T00:00:00Z"), Until: ns("2025-03-02T00:00:00Z")}},
		// In Shanghai it is already 18:30 on Thursday.
		{"during=today", shanghai, engine.TimeFilter{Since: ns("2025-03-19T16:00:00Z"), Until: ns("2025-03-20T16:00:00Z")}},
		{"during=this-week tz=+08:00", nil, engine.TimeFilter{Since: ns("2025-03-16T16:00:00Z"), Until: ns("2025-03-23T16:00:00Z")}},
		{"NOT during=yesterday", nil, engine.NotFilter{Filter: engine.TimeFilter{Since: ns("2025-03-19T00:00:00Z"), Until: ns("2025-03-20T00:00:00Z")}}},
	}
	for _, tt := range tests {
		loc := tt.loc
		if loc == nil {
			loc = time.UTC
		}
		p, err := NewPlan(MustParse(tt.in), Options{Now: testNow, Location: loc})
		if err != nil {
			t.Errorf("NewPlan(%q): %v", tt.in, err)
			continue
		}
		if !filterEqual(p.Filter, tt.want) {
			t.Errorf("NewPlan(%q).Filter = %v, want %v", tt.in, filterString(p.Filter), filterString(tt.want))
		}
	}
}

// Ensure that calendar days follow daylight-saving time: in Berlin the
// Sunday of 2025-03-30 has 23 hours.
func TestNewPlan_DuringDST(t *testing.T) {
	now := time.Date(2025, 3, 30, 12, 0, 0, 0, time.UTC)
	p, err := NewPlan(MustParse("during=today tz=Europe/Berlin"), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := engine.TimeFilter{Since: ns("2025-03-29T23:00:00Z"), Until: ns("2025-03-30T22:00:00Z")}
	if !filterEqual(p.Filter, want) {
		t.Errorf("got %v, want %v", filterString(p.Filter), want)
	}
	// Week ranges with a Sunday now: the week started on Monday the 24th.
	p, _ = NewPlan(MustParse("during=this-week"), Options{Now: now, Location: time.UTC})
	want = engine.TimeFilter{Since: ns("2025-03-24T00:00:00Z"), Until: ns("2025-03-31T00:00:00Z")}
	if !filterEqual(p.Filter, want) {
		t.Errorf("this-week on a Sunday: got %v, want %v", filterString(p.Filter), want)
	}
}

// Ensure that the first pipes are pushed into the engine's options.
func TestNewPlan_PushDown(t *testing.T) {
	tests := []struct {
		in    string
		want  engine.QueryOptions
		pipes string // the pipes left, printed
	}{
		{"x", engine.QueryOptions{}, ""},
		{"x | sort by time", engine.QueryOptions{}, ""},
		{"x | sort by time desc", engine.QueryOptions{Desc: true}, ""},
		{"x | sort by time desc | limit 10", engine.QueryOptions{Desc: true, Limit: 10}, "limit 10"},
		{"x | limit 10", engine.QueryOptions{Limit: 10}, "limit 10"},
		{"x | head 10", engine.QueryOptions{Limit: 10}, "limit 10"},
		{"x | offset 20 | limit 10", engine.QueryOptions{Limit: 30}, "offset 20 | limit 10"},
		{"x | limit 10 | offset 4", engine.QueryOptions{Limit: 10}, "limit 10 | offset 4"},
		{"x | limit 10 | offset 40", engine.QueryOptions{Limit: 10}, "limit 10 | offset 40"},
		{"x | limit 10 | limit 3", engine.QueryOptions{Limit: 3}, "limit 10 | limit 3"},
		{"x | offset 5", engine.QueryOptions{}, "offset 5"},
		{"x | limit 0", engine.QueryOptions{}, "limit 0"},
		{"x | limit 5 | count", engine.QueryOptions{Limit: 5}, "limit 5 | count"},
		{"x | count | limit 5", engine.QueryOptions{}, "count | limit 5"},
		{"x | sort by level | limit 5", engine.QueryOptions{}, "sort by level | limit 5"},
		{"x | sort by time, job", engine.QueryOptions{}, "sort by time, job"},
		{"x | limit 5 | sort by time desc", engine.QueryOptions{Limit: 5}, "limit 5 | sort by time desc"},
	}
	for _, tt := range tests {
		p, err := NewPlan(MustParse(tt.in), Options{Now: testNow, Location: time.UTC})
		if err != nil {
			t.Errorf("NewPlan(%q): %v", tt.in, err)
			continue
		}
		if p.QueryOptions != tt.want {
			t.Errorf("NewPlan(%q).QueryOptions = %+v, want %+v", tt.in, p.QueryOptions, tt.want)
		}
		if got := (&Query{Pipes: p.Pipes}).String(); got != pipesString(tt.pipes) {
			t.Errorf("NewPlan(%q).Pipes = %q, want %q", tt.in, got, pipesString(tt.pipes))
		}
	}
}

func pipesString(s string) string {
	if s == "" {
		return ""
	}
	return "| " + s
}

// Ensure that the plan reports the columns of record results.
func TestNewPlan_Columns(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"x", nil},
		{"x | context 2", nil},
		{"| count", []string{"count"}},
		{"| count by job, level", []string{"job", "level", "count"}},
		{"| fields time, msg", []string{"time", "msg"}},
		{"| count by level | fields count", []string{"count"}},
	}
	for _, tt := range tests {
		p, err := NewPlan(MustParse(tt.in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Columns, tt.want) {
			t.Errorf("NewPlan(%q).Columns = %q, want %q", tt.in, p.Columns, tt.want)
		}
	}
}

// Ensure that NewPlan rejects hand-built queries Parse would reject.
func TestNewPlan_Invalid(t *testing.T) {
	q := &Query{Filter: &CompareExpr{Field: "level", Op: engine.Eq, Value: "loud"}}
	if _, err := NewPlan(q, Options{}); err == nil {
		t.Error("NewPlan accepted level=loud")
	}
}

// Ensure that Plan.String explains the plan.
func TestPlan_String(t *testing.T) {
	p, err := NewPlan(MustParse("timeout level>=Warn | sort by time desc | limit 10 | count by job"), Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	want := "filter: (word(\"timeout\") AND level>=Warn)\nengine: desc limit=10 zone=UTC\npipes:  limit 10 | count by job\n"
	if got := p.String(); got != want {
		t.Errorf("Plan.String() =\n%s\nwant\n%s", got, want)
	}
}

func filterString(f engine.Filter) string {
	if f == nil {
		return "<nil>"
	}
	return f.String()
}

// filterEqual compares filters structurally, regular expressions by their
// source.
func filterEqual(a, b engine.Filter) bool {
	switch x := a.(type) {
	case engine.AndFilter:
		y, ok := b.(engine.AndFilter)
		return ok && filtersEqual(x, y)
	case engine.OrFilter:
		y, ok := b.(engine.OrFilter)
		return ok && filtersEqual(x, y)
	case engine.NotFilter:
		y, ok := b.(engine.NotFilter)
		return ok && filterEqual(x.Filter, y.Filter)
	case engine.RegexpFilter:
		y, ok := b.(engine.RegexpFilter)
		return ok && x.Regexp.String() == y.Regexp.String()
	}
	return reflect.DeepEqual(a, b)
}

func filtersEqual(a, b []engine.Filter) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if !filterEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

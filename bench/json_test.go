package bench

import (
	"bytes"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
)

// Ensure that `logdb ingest --format json` reads the lines AppendJSON
// writes back into the same entries, also for quotes, backslashes, control
// characters, HTML characters and invalid UTF-8.
func TestAppendJSON_RoundTrip(t *testing.T) {
	w := Workload{Lines: 2000, Seed: 5, Start: time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)}
	var want []engine.Entry
	var buf bytes.Buffer
	add := func(e *engine.Entry) {
		c := *e
		c.Labels = append(engine.Labels(nil), e.Labels...)
		want = append(want, c)
		buf.Write(AppendJSON(nil, &c))
	}
	w.Generate(add)
	add(&engine.Entry{Job: "odd \"job\"", Attempt: 2, Time: 1, Level: engine.NoLevel,
		Message: "tab\there \\ \"q\" <a&b> \x01 é \xff end",
		Labels:  engine.Labels{{Name: "k\"ey", Value: "v\nw"}}})

	r := ingest.NewReader(&buf, "t", ingest.Options{Format: ingest.FormatJSON})
	for i := range want {
		got, err := r.Read()
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		got.Line = 0
		w := want[i]
		if i == len(want)-1 {
			w.Message = "tab\there \\ \"q\" <a&b> \x01 é \uFFFD end"
		}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("line %d:\n got %+v\nwant %+v", i+1, got, w)
		}
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("after the last line: %v", err)
	}
}

// Ensure that GenerateJSON gives the same bytes for the same workload,
// line by line the same as AppendJSON over Generate, and counts as grep -iw.
func TestGenerateJSON(t *testing.T) {
	w := Workload{Lines: 5000, Seed: 1, Start: time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC), Span: time.Hour}
	var a, b, c bytes.Buffer
	st, err := GenerateJSON(&a, w, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := GenerateJSON(&b, w, ""); err != nil {
		t.Fatal(err)
	}
	var lines, timeout int64
	w.Generate(func(e *engine.Entry) {
		c.Write(AppendJSON(nil, e))
		lines++
		if ContainsWord(e.Message, "timeout") {
			timeout++
		}
	})
	if !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("GenerateJSON is not deterministic, or differs from AppendJSON")
	}
	if st.Lines != lines || st.Bytes != int64(a.Len()) || st.WordLines != timeout || timeout == 0 || st.Word != "timeout" {
		t.Errorf("stats %+v; want %d lines, %d bytes, %d timeout", st, lines, a.Len(), timeout)
	}
}

func TestContainsWord(t *testing.T) {
	for _, tc := range []struct {
		s, w string
		want bool
	}{
		{"upstream timeout after", "timeout", true},
		{"Timeout", "timeout", true},
		{"read_timeout=3", "timeout", false},
		{"timeouts", "timeout", false},
		{"(timeout)", "timeout", true},
		{"x-timeout-y", "timeout", true},
		{"étimeout", "timeout", false},
		{"time", "timeout", false},
		{"timeout2", "timeout", false},
	} {
		if got := ContainsWord(tc.s, tc.w); got != tc.want {
			t.Errorf("ContainsWord(%q, %q) = %v", tc.s, tc.w, got)
		}
	}
}

// Ensure that the word picked for a real file is the one whose share of
// lines is nearest 0.7%, counted once per line.
func TestWordCounter_Pick(t *testing.T) {
	c := wordCounter{counts: map[string]int64{}}
	for i := 0; i < 1000; i++ {
		msg := "common words here"
		switch {
		case i%150 == 0: // 7 lines: 0.7%
			msg += " rarely rarely"
		case i%100 == 1: // 10 lines
			msg += " sometimes"
		case i == 2:
			msg += " once_only x2abc"
		}
		c.add(msg)
	}
	if got := c.pick(1000); got != "rarely" {
		t.Errorf("pick = %q (counts %v)", got, c.counts)
	}
	if c.counts["rarely"] != 7 || c.counts["x2abc"] != 0 || c.counts["once_only"] != 0 || c.counts["only"] != 0 || c.counts["common"] != 1000 {
		t.Errorf("counts %v", c.counts)
	}
}

package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that logfmt lines map onto entries with the json key mapping.
func TestReadLogfmt_Mapping(t *testing.T) {
	t0 := ns(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	now := ns(testNow)
	long := strings.Repeat("x", 70<<10)
	runMappingTests(t, FormatLogfmt, []mappingTest{
		{"logrus", `time="2024-01-02T03:04:05Z" level=warning msg="disk almost full" path=/var`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0, Level: engine.Warn, Message: "disk almost full", Labels: labels("level_text", "warning", "path", "/var")}},
		{"go-kit", `ts=2024-01-02T03:04:05Z caller=main.go:12 lvl=info msg=started`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: t0, Level: engine.Info, Message: "started", Labels: labels("caller", "main.go:12")}},
		{"epoch and run", `ts=1704164645 job=build attempt=4 level=50 msg="a \"quoted\" word"`,
			engine.Entry{Job: "build", Attempt: 4, Time: t0, Level: engine.Error, Message: `a "quoted" word`, Labels: labels("level_text", "50")}},
		{"bare keys and empty values", `msg=x flag empty= b=2`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: labels("b", "2", "empty", "", "flag", "")}},
		{"no message keeps the line", `a=1 b=2`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "a=1 b=2", Labels: labels("a", "1", "b", "2")}},
		{"no pairs is plain text", `goroutine 1 [running]:`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "goroutine 1 [running]:"}},
		{"unusable level is a label", `level=loud msg=x`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: labels("level", "loud")}},
		{"duplicate keys keep the last", `msg=x a=1 a=2`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: "x", Labels: labels("a", "2")}},
		{"long line", `msg=` + long + ` a=1`,
			engine.Entry{Job: "optjob", Attempt: 2, Time: now, Message: long, Labels: labels("a", "1")}},
	})
}

// Ensure that a line go-logfmt rejects is a *LineError and that the Reader
// goes on with the next line.
func TestReadLogfmt_Errors(t *testing.T) {
	for _, in := range []string{`msg="unterminated`, `=value`, `k"ey=1`, `a=b=c`} {
		_, err := readOne(t, in, FormatLogfmt)
		var le *LineError
		if !errors.As(err, &le) || !errors.Is(err, ErrInvalidLogfmt) || le.Line != 1 {
			t.Errorf("%q: got %v, want a *LineError wrapping ErrInvalidLogfmt", in, err)
		} else if !strings.HasPrefix(err.Error(), "t.log:1: invalid logfmt: ") {
			t.Errorf("%q: error %q", in, err)
		}
	}
	rs := readAll(t, "msg=a\nmsg=\"bad\n\nmsg=c\n", testOptions(FormatLogfmt))
	if len(rs) != 3 || rs[0].e.Message != "a" || !errors.Is(rs[1].err, ErrInvalidLogfmt) ||
		rs[2].e.Message != "c" || rs[2].e.Line != 4 {
		t.Errorf("got %+v", rs)
	}
}

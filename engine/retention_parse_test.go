package engine_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that retention rules parse as documented, print back to what
// parses to the same rule, and that bad rules say what is wrong.
func TestParseRetentionRule(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want engine.RetentionRule
		str  string
	}{
		{"status=failed:90d", engine.RetentionRule{Statuses: []engine.RunStatus{engine.Failed}, MaxAge: 90 * day}, "status=failed:90d"},
		{"status=success,canceled:3d", engine.RetentionRule{Statuses: []engine.RunStatus{engine.Success, engine.Canceled}, MaxAge: 3 * day}, "status=success,canceled:3d"},
		{"env=dev:12h", engine.RetentionRule{Label: "env", Value: "dev", MaxAge: 12 * time.Hour}, "env=dev:12h0m0s"},
		{"flow=etl-* status=failed:forever", engine.RetentionRule{Statuses: []engine.RunStatus{engine.Failed}, Label: "flow", Value: "etl-*", MaxAge: -1}, "status=failed flow=etl-*:forever"},
		{"status=failed:2w", engine.RetentionRule{Statuses: []engine.RunStatus{engine.Failed}, MaxAge: 14 * day}, "status=failed:14d"},
		{"url=http://x:1d", engine.RetentionRule{Label: "url", Value: "http://x", MaxAge: day}, "url=http://x:1d"},
	} {
		got, err := engine.ParseRetentionRule(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseRetentionRule(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if s := got.String(); s != tc.str {
			t.Errorf("String of %q = %q, want %q", tc.in, s, tc.str)
		}
	}
	for in, want := range map[string]string{
		"status=failed":       "want CONDITION:AGE",
		"status=maybe:1d":     `unknown status "maybe"`,
		":1d":                 "no condition",
		"failed:1d":           "want NAME=VALUE",
		"status=failed:soon":  `bad age "soon"`,
		"status=failed:-1h":   `bad age "-1h"`,
		"status=failed:0s":    `want a positive age`,
		"status=failed:0d":    `bad age "0d"`,
		"a=1 b=2:1d":          "one label condition",
		"status=failed:1e30d": `bad age`,
	} {
		if _, err := engine.ParseRetentionRule(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRetentionRule(%q): %v, want an error with %q", in, err, want)
		}
	}
}

// FuzzParseRetentionRule checks that ParseRetentionRule never panics and
// that a rule it accepts prints to a text that parses to the same rule.
func FuzzParseRetentionRule(f *testing.F) {
	for _, s := range []string{"status=failed:90d", "env=dev:12h", "flow=etl-* status=failed,success:forever", "a=b:1.5w", "x=:1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rule, err := engine.ParseRetentionRule(s)
		if err != nil {
			return
		}
		again, err := engine.ParseRetentionRule(rule.String())
		if err != nil {
			t.Fatalf("%q parses, its String %q does not: %v", s, rule.String(), err)
		}
		if !reflect.DeepEqual(rule, again) {
			t.Fatalf("%q: %+v; String %q parses to %+v", s, rule, rule.String(), again)
		}
	})
}

package engine

import (
	"regexp"
	"strings"
	"testing"
)

// Ensure that regexpLiterals returns exactly the case-sensitive ASCII
// literals every match holds, and none from an alternative, an optional
// or case-blind part.
func TestRegexpLiterals(t *testing.T) {
	for _, tc := range []struct{ re, want string }{
		{`upstream time(d)?out after 30\d{3}ms`, "upstream time|out after 30"},
		{`timeout`, "timeout"},
		{`(?i)timeout`, ""},
		{`time(?i)out`, "time"},
		{`abc|abd`, ""},
		{`(abc)?def`, "def"},
		{`(abc)*def`, "def"},
		{`(abc)+def`, "abc|def"},
		{`(xyz){2,3}`, "xyz"},
		{`(xyz){0,3}`, ""},
		{`\Qa.b.c\E`, "a.b.c"},
		{`café latte`, ""},
		{`ab.cd`, ""},
		{`^conn`, "conn"},
	} {
		got := strings.Join(regexpLiterals(regexp.MustCompile(tc.re)), "|")
		if got != tc.want {
			t.Errorf("regexpLiterals(%q) = %q, want %q", tc.re, got, tc.want)
		}
	}
}

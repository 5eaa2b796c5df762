package engine

import (
	"regexp"
	"strings"
	"testing"
)

// naiveMatch is the definition of textMatcher.match: grep -iF, or grep -iw.
func naiveMatch(needle, msg string, word bool) bool {
	if !word {
		return strings.Contains(strings.ToLower(msg), strings.ToLower(needle))
	}
	re := regexp.MustCompile(`(?i)(^|[^\pL\pN_])` + regexp.QuoteMeta(needle) + `($|[^\pL\pN_])`)
	return re.MatchString(msg)
}

// Ensure that the matcher agrees with its definition on tricky cases.
func TestTextMatcher(t *testing.T) {
	for _, tc := range []struct {
		needle, msg string
		word        bool
	}{
		{"timeout", "TIMEOUT", true},
		{"timeout", "timeouts", true},
		{"timeout", "read timeout_x timeout.", true},
		{"timeout", "xtimeout timeout", true},
		{"time", "TiMe", false},
		{"job-52b3", "run job-52b3: ok", true},
		{"job-52b3", "job-52b3x", true},
		{"10.0.0.1", "ip=10.0.0.1,", true},
		{"10.0.0.1", "10.0.0.10", true},
		{"zz", "z", false},
		{"Straße", "STRASSE straße", true},
		{"naïve", "NAÏVE", true},
		{"a", "bab", true},
		{"a", "b a", true},
		{"-", "a-b", false},
		{"q", "QQ q", true},
	} {
		m := newTextMatcher(tc.needle, tc.word)
		if got, want := m.match(tc.msg), naiveMatch(tc.needle, tc.msg, tc.word); got != want {
			t.Errorf("match(%q in %q, word=%v) = %v, want %v", tc.needle, tc.msg, tc.word, got, want)
		}
	}
}

// FuzzTextMatcher checks the matcher against its definition.
func FuzzTextMatcher(f *testing.F) {
	f.Add("timeout", "a TIMEOUT b", true)
	f.Add("out", "timeout out", true)
	f.Add("x-y", "x-y-z x-y", false)
	f.Fuzz(func(t *testing.T, needle, msg string, word bool) {
		if needle == "" || !isASCII(needle) {
			return // the Unicode path is strings.ToLower-based; see matchUnicode
		}
		m := newTextMatcher(needle, word)
		if got, want := m.match(msg), naiveMatch(needle, msg, word); got != want {
			t.Fatalf("match(%q in %q, word=%v) = %v, want %v", needle, msg, word, got, want)
		}
	})
}

package ingest

import "github.com/logdb/logdb/engine"

// Limits of levelFields.
const (
	fieldsWindow = 160 // bytes
	maxFields    = 12
)

// levelFields finds an upper-case level word among the first fields of a
// line whose leading fields are codes, not words: the BGL supercomputer
// log's "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 … RAS KERNEL FATAL
// data storage interrupt". It stops at the first field that is a word in
// lower or mixed case, which starts the message: a level word in the
// message text ("Sending ERROR report") is never taken.
func levelFields(s []byte) (engine.Level, []byte) {
	s = s[:min(len(s), fieldsWindow)]
	for f, i := 0, 0; f < maxFields && i < len(s); f++ {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		if j == len(s) && len(s) == fieldsWindow {
			break // cut off
		}
		w := s[i:j]
		if lvl, ok := wordLevel(w, false); ok {
			return lvl, w
		}
		if isProse(w) {
			break
		}
		i = j
	}
	return engine.NoLevel, nil
}

// isProse reports whether w is a word of a sentence: letters, with a lower
// case one among them, and at most a trailing punctuation mark.
func isProse(w []byte) bool {
	if n := len(w); n > 1 && (w[n-1] == ':' || w[n-1] == ',' || w[n-1] == '.') {
		w = w[:n-1]
	}
	lower := false
	for _, c := range w {
		if !isAlpha(c) {
			return false
		}
		lower = lower || isLower(c)
	}
	return lower
}

package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// parseKeyTime parses the time of a line in the text form of Go's slog or
// logrus, "time=2024-01-02T03:04:05.000Z level=WARN msg=…" (the value may
// be quoted), into c and reports whether it did. A file of such lines is
// read as logfmt; this is for the lines of a text file.
func parseKeyTime(b []byte, c *civil) bool {
	if len(b) < 25 || string(b[:5]) != "time=" {
		return false
	}
	v := b[5:]
	if v[0] == '"' {
		v = v[1:]
	}
	return parseISO(v, c) > 0
}

// levelKey finds " level=WORD" in s and returns its level and word.
func levelKey(s []byte) (engine.Level, []byte) {
	i := bytes.Index(s, []byte(" level="))
	if i < 0 {
		return engine.NoLevel, nil
	}
	v := s[i+7:]
	if len(v) > 0 && v[0] == '"' {
		v = v[1:]
	}
	w := leadingWord(v)
	lvl, ok := engine.ParseLevel(string(w))
	if !ok || len(w) < 3 {
		return engine.NoLevel, nil
	}
	return lvl, w
}

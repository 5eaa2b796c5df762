package output

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// jsonWriter writes one JSON object per line (JSON Lines).
//
// An entry becomes
//
//	{"time":"2025-03-20T10:00:00.000000000Z","level":"Error","job":"etl-1","attempt":0,"line":3,"msg":"…","app":"billing"}
//
// with time in RFC 3339 with nanoseconds in UTC, level by name ("" for none)
// and the labels as top-level keys after the fixed ones, each a string but
// for those of kind number or boolean (from JSON lines), which are written
// unquoted as their text. A label whose name
// is a fixed key (time, level, job, attempt, line, msg, context) is written
// as "label.<name>" instead; should that name be taken by another label
// too, the later of the two is dropped, so keys are never repeated. A
// context line of "| context" gets "context":true, and a separator is
// {"separator":true}.
//
// A record becomes an object of its columns in order: {"level":"Error",
// "count":3}, with times as above and levels by name.
type jsonWriter struct {
	w   *bufio.Writer
	buf []byte
}

func newJSON(w io.Writer, _ *Options) Writer { return &jsonWriter{w: bufio.NewWriter(w)} }

// fixedKeys are the keys of an entry object that labels may not take.
var fixedKeys = map[string]bool{
	"time": true, "level": true, "job": true, "attempt": true, "line": true, "msg": true, "context": true,
}

func (j *jsonWriter) Write(row *query.Row) error {
	b := j.buf[:0]
	switch row.Kind {
	case query.EntryRow:
		e := row.Entry
		b = append(b, `{"time":`...)
		b = appendString(b, time.Unix(0, e.Time).UTC().Format(jsonTimeLayout))
		b = append(b, `,"level":`...)
		b = appendString(b, e.Level.String())
		b = append(b, `,"job":`...)
		b = appendString(b, e.Job)
		b = append(b, `,"attempt":`...)
		b = strconv.AppendInt(b, int64(e.Attempt), 10)
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, e.Line, 10)
		b = append(b, `,"msg":`...)
		b = appendString(b, e.Message)
		if row.Context {
			b = append(b, `,"context":true`...)
		}
		b = appendLabels(b, e.Labels)
		b = append(b, '}')
	case query.SeparatorRow:
		b = append(b, `{"separator":true}`...)
	case query.RecordRow:
		b = append(b, '{')
		for i, c := range row.Columns {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, c)
			b = append(b, ':')
			b = appendValue(b, row.Values[i])
		}
		b = append(b, '}')
	}
	b = append(b, '\n')
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

func appendLabels(b []byte, ls engine.Labels) []byte {
	var used map[string]bool
	for _, l := range ls {
		name := l.Name
		if fixedKeys[name] {
			name = "label." + name
			if used == nil {
				used = map[string]bool{}
				for _, l := range ls {
					used[l.Name] = true
				}
			}
			if used[name] {
				continue
			}
		}
		b = append(b, ',')
		b = appendString(b, name)
		b = append(b, ':')
		b = appendLabelValue(b, l)
	}
	return b
}

// appendLabelValue appends the value of l: a number or boolean as it is,
// when its text is one, anything else as a string.
func appendLabelValue(b []byte, l engine.Label) []byte {
	switch {
	case l.Kind == engine.LabelNumber && isJSONNumber(l.Value),
		l.Kind == engine.LabelBool && (l.Value == "true" || l.Value == "false"):
		return append(b, l.Value...)
	}
	return appendString(b, l.Value)
}

// isJSONNumber reports whether s is a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	digits := func() bool {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case time.Time:
		return appendString(b, x.UTC().Format(jsonTimeLayout))
	case nil:
		return append(b, "null"...)
	}
	return appendString(b, formatValue(v))
}

// appendString appends s as a JSON string. encoding/json's escaping keeps
// the output valid for any bytes, replacing invalid UTF-8 with U+FFFD, and
// writes C0 controls as \n, \u001b …; escapeJSONText escapes the rest of
// what Escape does, so that no string can drive a terminal that shows the
// output. A decoder reads the exact text back.
func appendString(b []byte, s string) []byte {
	q, err := json.Marshal(s)
	if err != nil {
		return append(b, `""`...)
	}
	return append(b, escapeJSONText(q)...)
}

// escapeJSONText rewrites, in JSON text from encoding/json, the characters
// that Escape escapes and encoding/json leaves as they are (DEL, the C1
// controls, the bidirectional controls) as \uXXXX escapes. JSON allows
// them only inside strings, so the text stays valid and decodes to the
// same values. It returns b itself when there is nothing to rewrite.
func escapeJSONText(b []byte) []byte {
	i := firstToEscape(string(b))
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+12)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if r == 0x7f || r >= utf8.RuneSelf && escapedRune(r) {
			out = append(out, `\u`...)
			out = appendHex(out, uint64(r), 4)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

func (j *jsonWriter) Flush() error { return j.w.Flush() }

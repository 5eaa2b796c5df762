package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/logdb/logdb/engine"
)

// jsonOptions configure validation. Duplicate names are allowed (the last
// one wins, as in most decoders, and skipping the check is faster), and so
// is invalid UTF-8 inside strings, which becomes U+FFFD rather than costing
// the line.
var jsonOptions = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
}

// readJSON turns a line holding one JSON object into an entry; see record
// for the keys it maps. A blank line is skipped (ok is false).
//
// The line is read in one pass: jsonWalker checks it as strictly as
// validJSON does, accepting exactly what jsontext (the upstream of Go's
// encoding/json/v2) accepts, while it maps it; a line it refuses is
// decoded again by jsontext for the error. Checking first in a pass of its
// own cost a fifth of the reader's time (BENCHMARKS.md). Two passes measured 10-15% faster than reading
// it token by token through jsontext.Decoder (BenchmarkReadJSONTokens, and
// FuzzJSON checks that both give the same entries), over three times as
// fast as encoding/json merely decoding the line into a map
// (BenchmarkJSONStdlib), and it is stricter than fastjson, which was
// faster still but accepts 1.2.3, 01, nan and raw control characters in
// strings.
func (r *Reader) readJSON(line []byte, num int64) (e engine.Entry, ok bool, err error) {
	body := trimBOM(line)
	if isBlank(body) {
		return e, false, nil
	}
	w := jsonWalker{b: body}
	w.skipSpace()
	if w.peek() != '{' {
		if !validJSON(body) {
			return e, false, jsonError(body)
		}
		return e, false, ErrNotObject
	}
	r.rec.reset()
	if !r.jsonObject(&w, true, 1) {
		return e, false, jsonError(body)
	}
	if w.skipSpace(); w.i != len(body) {
		return e, false, jsonError(body)
	}
	e, err = r.finish(line, num)
	return e, err == nil, err
}

// jsonError explains why body is not valid JSON. It is the slow path: it
// decodes body again to get jsontext's error.
func jsonError(body []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsonOptions...)
	_, err := dec.ReadValue()
	if err == nil {
		if _, err = dec.ReadToken(); err == nil {
			err = errors.New("more than one value on the line")
		}
	}
	var se *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%w: %v at byte %d", ErrInvalidJSON, se.Err, se.ByteOffset+1)
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		return fmt.Errorf("%w: unexpected end of line", ErrInvalidJSON)
	}
	return fmt.Errorf("%w: %v", ErrInvalidJSON, err)
}

// jsonObject reads the members of the object at w, the depth-th container
// of the line, up to and including its "}", and reports whether they were
// valid JSON. Nested objects are flattened into dotted label names
// (rec.prefix holds the current one); arrays are kept as compact JSON
// text; null is dropped. Numbers and booleans become labels of kind
// engine.LabelNumber and engine.LabelBool, their value the literal as the
// line wrote it.
func (r *Reader) jsonObject(w *jsonWalker, top bool, depth int) bool {
	rec := &r.rec
	w.i++ // {
	w.skipSpace()
	if w.peek() == '}' {
		w.i++
		return true
	}
	for {
		if w.peek() != '"' {
			return false
		}
		key, plainKey, ok := w.string()
		if !ok {
			return false
		}
		w.skipSpace()
		if w.peek() != ':' {
			return false
		}
		w.i++
		w.skipSpace()

		name := span{off: len(rec.buf)}
		if len(rec.prefix) > 0 {
			rec.buf = append(rec.buf, rec.prefix...)
			rec.buf = append(rec.buf, '.')
		}
		rec.buf = appendJSONString(rec.buf, key, plainKey)
		name.end = len(rec.buf)

		value := span{off: len(rec.buf)}
		var (
			kind valueKind
			v    []byte
			add  = true
		)
		switch c := w.peek(); {
		case c == '"':
			kind = valueString
			var plain bool
			if v, plain, ok = w.string(); ok {
				rec.buf = appendJSONString(rec.buf, v, plain)
			}
		case c == '{' && !(top && !rec.hasMsg && fieldOf(rec.bytes(name)) == fieldMessage):
			ok = depth < maxJSONDepth && r.jsonNested(w, name, depth+1)
			add = false
		case c == '{' || c == '[':
			kind = valueRaw
			if v, ok = w.composite(depth); ok {
				rec.buf = appendCompact(rec.buf, v)
			}
		case c == 'n':
			_, ok = w.literal("null")
			rec.buf = rec.buf[:name.off]
			add = false
		case c == 't' || c == 'f':
			kind = valueBool
			lit := "true"
			if c == 'f' {
				lit = "false"
			}
			if v, ok = w.literal(lit); ok {
				rec.buf = append(rec.buf, v...)
			}
		default:
			kind = valueNumber
			if v, ok = w.number(); ok {
				rec.buf = append(rec.buf, v...)
			}
		}
		if !ok {
			return false
		}
		if add {
			value.end = len(rec.buf)
			rec.add(r.clock, name, value, kind, top)
		}
		w.skipSpace()
		switch w.peek() {
		case ',':
			w.i++
			w.skipSpace()
		case '}':
			w.i++
			return true
		default:
			return false
		}
	}
}

// jsonNested flattens the object at w, the value of name and the depth-th
// container of the line: its members become labels named name.member. An
// object that yields no label (an empty one, or one of nulls) becomes a
// label with the value "{}", so that the key is not lost. It reports
// whether the object was valid JSON.
func (r *Reader) jsonNested(w *jsonWalker, name span, depth int) bool {
	rec := &r.rec
	plen := len(rec.prefix)
	// name is the parent prefix, a dot and the key: the new prefix.
	rec.prefix = append(rec.prefix[:0], rec.bytes(name)...)
	rec.buf = rec.buf[:name.off]
	nlabels := len(rec.labels)
	if !r.jsonObject(w, false, depth) {
		return false
	}
	if len(rec.labels) == nlabels {
		name = span{off: len(rec.buf)}
		rec.buf = append(rec.buf, rec.prefix...)
		name.end = len(rec.buf)
		rec.buf = append(rec.buf, "{}"...)
		rec.labels = append(rec.labels, rawLabel{name: name, value: span{name.end, len(rec.buf)}})
	}
	rec.prefix = rec.prefix[:plen]
	return true
}

// appendJSONString appends the contents of the JSON string literal q (with
// its quotes) to dst; plain says q is printable ASCII without escapes.
// Invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, q []byte, plain bool) []byte {
	if len(q) < 2 {
		return dst
	}
	inner := q[1 : len(q)-1]
	if plain || (bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner)) {
		return append(dst, inner...)
	}
	// q has been validated, so the only error left to report is the
	// invalid UTF-8 that AppendUnquote has already replaced.
	dst, _ = jsontext.AppendUnquote(dst, q)
	return dst
}

// appendCompact appends the array or object v to dst without whitespace.
func appendCompact(dst, v []byte) []byte {
	off := len(dst)
	dst = append(dst, v...)
	if bytes.ContainsAny(v, " \t\r\n") {
		raw := jsontext.Value(dst[off:])
		if raw.Compact() == nil {
			dst = dst[:off+len(raw)]
		}
	}
	return dst
}

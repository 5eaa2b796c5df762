package ingest

import (
	"bytes"
	"io"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/logdb/logdb/engine"
)

// refJSON is a second, independent walk of a JSON line for differential
// tests of jsonWalker: it reads the line token by token through
// jsontext.Decoder, which checks every step, and maps the members with the
// same record. It returns ok false for a line that is not a JSON object.
//
// BenchmarkReadJSONTokens uses it to show what the two-pass design of
// readJSON gains.
type refJSON struct {
	r   *Reader
	dec *jsontext.Decoder
	in  bytes.Buffer
}

func newRefJSON(opts Options) *refJSON {
	return &refJSON{r: NewReader(bytes.NewReader(nil), "ref", opts), dec: jsontext.NewDecoder(bytes.NewReader(nil))}
}

func (ref *refJSON) read(line []byte, num int64) (engine.Entry, bool) {
	body := trimBOM(line)
	ref.in.Reset()
	ref.in.Write(body)
	ref.dec.Reset(&ref.in, jsonOptions...)
	if ref.dec.PeekKind() != '{' {
		return engine.Entry{}, false
	}
	ref.dec.ReadToken()
	ref.r.rec.reset()
	if ref.object(true) != nil {
		return engine.Entry{}, false
	}
	if _, err := ref.dec.ReadToken(); err != io.EOF {
		return engine.Entry{}, false
	}
	e, err := ref.r.finish(line, num)
	return e, err == nil
}

func (ref *refJSON) object(top bool) error {
	dec, rec := ref.dec, &ref.r.rec
	for {
		switch dec.PeekKind() {
		case '}':
			_, err := dec.ReadToken()
			return err
		case 0:
			_, err := dec.ReadToken()
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		key, err := dec.ReadValue()
		if err != nil {
			return err
		}
		name := span{off: len(rec.buf)}
		if len(rec.prefix) > 0 {
			rec.buf = append(rec.buf, rec.prefix...)
			rec.buf = append(rec.buf, '.')
		}
		rec.buf = appendJSONString(rec.buf, key, false)
		name.end = len(rec.buf)

		if dec.PeekKind() == '{' && !(top && fieldOf(rec.bytes(name)) == fieldMessage && !rec.hasMsg) {
			plen := len(rec.prefix)
			rec.prefix = append(rec.prefix[:0], rec.bytes(name)...)
			rec.buf = rec.buf[:name.off]
			nlabels := len(rec.labels)
			dec.ReadToken()
			if err := ref.object(false); err != nil {
				return err
			}
			if len(rec.labels) == nlabels {
				name = span{off: len(rec.buf)}
				rec.buf = append(rec.buf, rec.prefix...)
				name.end = len(rec.buf)
				rec.buf = append(rec.buf, "{}"...)
				rec.labels = append(rec.labels, rawLabel{name: name, value: span{name.end, len(rec.buf)}})
			}
			rec.prefix = rec.prefix[:plen]
			continue
		}
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		value := span{off: len(rec.buf)}
		kind := valueRaw
		switch v.Kind() {
		case 'n':
			rec.buf = rec.buf[:name.off]
			continue
		case '"':
			kind = valueString
			rec.buf = appendJSONString(rec.buf, v, false)
		case '0':
			kind = valueNumber
			rec.buf = append(rec.buf, v...)
		case 't', 'f':
			kind = valueBool
			rec.buf = append(rec.buf, v...)
		default:
			rec.buf = appendCompact(rec.buf, v)
		}
		value.end = len(rec.buf)
		rec.add(ref.r.clock, name, value, kind, top)
	}
}

package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-logfmt/logfmt"
	"github.com/logdb/logdb/engine"
)

// logfmtShared is the longest line the shared decoder takes. go-logfmt
// reads through a bufio.Scanner whose tokens are limited to 64 KiB; longer
// lines get a decoder of their own.
const logfmtShared = 60 << 10

// logfmtParser holds a go-logfmt decoder reused from line to line. The
// decoder only reads from an io.Reader and has no Reset, so it reads from
// a lineFeeder that hands it one line at a time: the Scanner inside asks
// for more input only when it has returned every line it was given.
type logfmtParser struct {
	feed lineFeeder
	dec  *logfmt.Decoder // nil after an error, which go-logfmt keeps
}

// lineFeeder is an io.Reader that yields one line and a "\n", once per set.
type lineFeeder struct {
	line []byte
	nl   bool
}

func (f *lineFeeder) set(line []byte) { f.line, f.nl = line, true }

func (f *lineFeeder) Read(p []byte) (int, error) {
	n := copy(p, f.line)
	f.line = f.line[n:]
	if len(f.line) == 0 && f.nl && n < len(p) {
		p[n] = '\n'
		n++
		f.nl = false
	}
	if n == 0 {
		return 0, io.EOF // only if misused; the decoder is then rebuilt
	}
	return n, nil
}

// readLogfmt turns a logfmt line (key=value key2="quoted value" …) into an
// entry with the same key mapping as json. Keys without a value become
// labels with an empty value. A line without any "=" is not a record (a
// panic message, a stack trace): it is kept as a message without labels.
// A blank line is skipped.
func (r *Reader) readLogfmt(line []byte, num int64) (e engine.Entry, ok bool, err error) {
	body := trimBOM(line)
	if isBlank(body) {
		return e, false, nil
	}
	r.rec.reset()
	if bytes.IndexByte(body, '=') < 0 {
		e, err = r.finish(line, num)
		return e, err == nil, err
	}
	p := &r.logfmt
	dec := p.dec
	if len(body) > logfmtShared {
		dec = logfmt.NewDecoderSize(bytes.NewReader(body), len(body)+1)
	} else {
		if dec == nil {
			dec = logfmt.NewDecoder(&p.feed)
			p.dec = dec
		}
		p.feed.set(body)
	}
	if !dec.ScanRecord() {
		p.dec = nil
		return e, false, fmt.Errorf("%w: %v", ErrInvalidLogfmt, dec.Err())
	}
	rec := &r.rec
	for dec.ScanKeyval() {
		name := span{off: len(rec.buf)}
		rec.buf = append(rec.buf, dec.Key()...)
		name.end = len(rec.buf)
		rec.buf = append(rec.buf, dec.Value()...)
		rec.add(r.clock, name, span{name.end, len(rec.buf)}, valueString, true)
	}
	if err := dec.Err(); err != nil {
		p.dec = nil
		var se *logfmt.SyntaxError
		if errors.As(err, &se) {
			return e, false, fmt.Errorf("%w: %s at byte %d", ErrInvalidLogfmt, se.Msg, se.Pos)
		}
		return e, false, fmt.Errorf("%w: %v", ErrInvalidLogfmt, err)
	}
	e, err = r.finish(line, num)
	return e, err == nil, err
}

package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/logdb/logdb/engine"
)

// maxPending is how many blank lines FormatAuto holds back while it looks
// for the first non-blank line; after that many it settles on text.
const maxPending = 1000

// A Reader turns the lines of one file or stream into entries.
//
// Read returns the next entry, or io.EOF at the end. A rejected line is
// reported as a *LineError and the Reader stays usable: log it and call
// Read again. Any other error is fatal (the underlying reader failed, or
// the options are bad) and every later Read returns it again.
//
// Entries own their strings; they stay valid after the next Read. A Reader
// is not safe for concurrent use.
type Reader struct {
	name  string
	opts  Options
	err   error // sticky: bad options, an I/O error or io.EOF
	lines *lineReader

	format  Format        // FormatAuto until the first non-blank line is seen
	pending []pendingLine // lines read while sniffing the format

	clock    *clock
	lastTime int64 // time of the previous line with one, or the ingest time

	text  textDetector
	cont  continuation
	entry entryState // the multi-line entry being read
	stats stats

	levelLabels    map[string]engine.Labels // shared by lines with the same level text
	lastLevelLabel engine.Labels            // the last of them

	timeFormat *timeFormat // Options.TimeFormat, or nil
	pattern    *pattern    // Options.Pattern, or nil
	bracketed  []byte      // scratch of parseTimeText
	logfmt     logfmtParser
	rec        record
	arena      arena
	labelSets  labelCache
}

// pendingLine is a line held back while FormatAuto decides.
type pendingLine struct {
	data    []byte
	num     int64
	tooLong bool
}

// NewReader returns a Reader of the lines of r. name is used in errors,
// usually the file name or "-" for standard input. Options are checked
// here, but a problem is reported by the first Read, so that callers have
// one place to handle errors; call Options.Validate to check them earlier.
func NewReader(r io.Reader, name string, opts Options) *Reader {
	rd := &Reader{name: name, err: opts.Validate()}
	if rd.err == nil {
		rd.timeFormat, rd.pattern, _ = opts.compile()
	}
	opts.ensureDefaults()
	rd.opts = opts
	rd.format = opts.Format
	rd.lines = newLineReader(r, opts.MaxLineBytes)
	now := opts.Now()
	rd.clock = newClock(opts.Location, now)
	rd.lastTime = now.UnixNano()
	rd.text.clock = rd.clock
	return rd
}

// Format returns the format the Reader reads: Options.Format, or, with
// FormatAuto, the format it chose once the first Read has seen the first
// non-blank line.
func (r *Reader) Format() Format { return r.format }

// Read returns the next entry. Entry.Line is set to the source line number
// (the engine ignores it and numbers lines itself); Job and Attempt come
// from the line when it names them (json, logfmt) and from Options
// otherwise. At the end of the input Read returns io.EOF.
func (r *Reader) Read() (engine.Entry, error) {
	for r.err == nil {
		line, num, tooLong, err := r.next()
		if err != nil {
			if err != io.EOF {
				err = fmt.Errorf("cannot read %s: %w", r.name, err)
			}
			r.err = err
			break
		}
		if tooLong {
			return engine.Entry{}, &LineError{File: r.name, Line: num,
				Err: fmt.Errorf("%w: longer than %d bytes", ErrLineTooLong, r.opts.MaxLineBytes)}
		}
		var e engine.Entry
		ok := true
		switch r.format {
		case FormatJSON:
			e, ok, err = r.readJSON(line, num)
		case FormatLogfmt:
			e, ok, err = r.readLogfmt(line, num)
		default:
			e = r.readText(line, num)
		}
		if err != nil {
			return engine.Entry{}, &LineError{File: r.name, Line: num, Err: err}
		}
		if ok {
			return e, nil
		}
	}
	return engine.Entry{}, r.err
}

// next returns the next line, first settling the format if it is auto.
func (r *Reader) next() (line []byte, num int64, tooLong bool, err error) {
	if r.format == FormatAuto {
		if err := r.sniff(); err != nil {
			return nil, 0, false, err
		}
	}
	if len(r.pending) > 0 {
		p := r.pending[0]
		r.pending = r.pending[1:]
		return p.data, p.num, p.tooLong, nil
	}
	return r.lines.next()
}

// sniff reads lines up to the first non-blank one, holding them back in
// r.pending, and picks the format from it with sniffFormat.
func (r *Reader) sniff() error {
	for len(r.pending) < maxPending {
		line, num, tooLong, err := r.lines.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		r.pending = append(r.pending, pendingLine{bytes.Clone(line), num, tooLong})
		if !tooLong && !isBlank(trimBOM(line)) {
			r.format = sniffFormat(line)
			return nil
		}
	}
	r.format = FormatText
	return nil
}

// lineTime returns the time of a line without one and remembers t of a line
// with one.
func (r *Reader) lineTime(t int64, ok bool) int64 {
	if ok {
		r.lastTime = t
		return t
	}
	return r.lastTime
}

package ingest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/logdb/logdb/engine"
)

// The keys json and logfmt lines map onto entry fields. Only top-level keys
// count; the first key of a kind whose value fits wins, and any other key,
// including a later or unusable one of these, becomes a label.
//
//	time     time, ts, timestamp, @timestamp, _time
//	level    level, severity, lvl
//	message  msg, message, _msg, log
//	run      job, job_id; attempt
type fieldKind uint8

const (
	fieldLabel fieldKind = iota
	fieldTime
	fieldLevel
	fieldMessage
	fieldJob
	fieldAttempt
)

// fieldOf returns the kind of a top-level key.
func fieldOf(key []byte) fieldKind {
	switch string(key) {
	case "time", "ts", "timestamp", "@timestamp", "_time":
		return fieldTime
	case "level", "severity", "lvl":
		return fieldLevel
	case "msg", "message", "_msg", "log":
		return fieldMessage
	case "job", "job_id":
		return fieldJob
	case "attempt":
		return fieldAttempt
	}
	return fieldLabel
}

// valueKind is the JSON type of a value; logfmt values are all strings.
type valueKind uint8

const (
	valueString valueKind = iota
	valueNumber
	valueBool
	valueRaw // an array or object as compact JSON text
)

// span is a slice of record.buf by offsets, which survive buf growing.
type span struct{ off, end int }

type rawLabel struct {
	name, value span
	kind        engine.LabelKind
}

// labelKind is the kind of label a value of kind k makes: JSON numbers
// and booleans keep their type, the rest (arrays and objects as their
// text) are strings.
func labelKind(k valueKind) engine.LabelKind {
	switch k {
	case valueNumber:
		return engine.LabelNumber
	case valueBool:
		return engine.LabelBool
	}
	return engine.LabelString
}

// record gathers the fields of one structured line. All the bytes it keeps
// (names, values, message, job) live in buf, which finish turns into one
// string, so that an entry with ten labels still costs one copy.
type record struct {
	buf    []byte
	prefix []byte // dotted name of the JSON object being flattened
	labels []rawLabel
	sorted []rawLabel // labels in order, swapped with labels by sortLabels
	keys   []sortKey  // scratch of sortLabels

	msg        span
	hasMsg     bool
	job        span
	hasJob     bool
	attempt    int
	hasAttempt bool
	time       int64
	hasTime    bool
	level      engine.Level
	hasLevel   bool
}

func (rec *record) reset() {
	*rec = record{buf: rec.buf[:0], prefix: rec.prefix[:0], labels: rec.labels[:0],
		sorted: rec.sorted[:0], keys: rec.keys[:0]}
}

func (rec *record) bytes(s span) []byte { return rec.buf[s.off:s.end] }

// add takes the name and value just appended to buf. A top-level name that
// maps onto a field whose value fits sets the field; anything else becomes
// a label.
func (rec *record) add(k *clock, name, value span, kind valueKind, top bool) {
	if top {
		if rec.field(k, name, value, kind) {
			return
		}
	}
	rec.labels = append(rec.labels, rawLabel{name, value, labelKind(kind)})
}

// field sets the field that name stands for and reports whether it did.
func (rec *record) field(k *clock, name, value span, kind valueKind) bool {
	v := rec.bytes(value)
	switch fieldOf(rec.bytes(name)) {
	case fieldTime:
		if rec.hasTime || (kind != valueString && kind != valueNumber) {
			return false
		}
		rec.time, rec.hasTime = parseTimeValue(k, v)
		return rec.hasTime
	case fieldLevel:
		if rec.hasLevel || (kind != valueString && kind != valueNumber) {
			return false
		}
		rec.level, rec.hasLevel = parseLevelValue(v)
		if rec.hasLevel && !bytes.EqualFold(bytes.TrimSpace(v), []byte(rec.level.String())) {
			// "SEVERE", "notice", 30: keep what the level was called.
			off := len(rec.buf)
			rec.buf = append(rec.buf, LevelTextLabel...)
			rec.labels = append(rec.labels, rawLabel{span{off, len(rec.buf)}, value, labelKind(kind)})
		}
		return rec.hasLevel
	case fieldMessage:
		if rec.hasMsg {
			return false
		}
		if string(rec.bytes(name)) == "log" && kind == valueString {
			// Docker's json-file driver keeps the line's newline.
			value.end -= len(v) - len(bytes.TrimSuffix(bytes.TrimSuffix(v, []byte("\n")), []byte("\r")))
		}
		rec.msg, rec.hasMsg = value, true
		return true
	case fieldJob:
		if rec.hasJob || (kind != valueString && kind != valueNumber) ||
			len(v) == 0 || bytes.IndexByte(v, 0) >= 0 {
			return false
		}
		rec.job, rec.hasJob = value, true
		return true
	case fieldAttempt:
		if rec.hasAttempt || (kind != valueString && kind != valueNumber) {
			return false
		}
		rec.attempt, rec.hasAttempt = parseAttempt(v)
		return rec.hasAttempt
	}
	return false
}

// sortLabels sorts the labels by name and keeps the last of each name, as
// engine.Labels requires.
//
// It sorts keys of 16 bytes, not the labels: the first 8 bytes of the name
// as a big-endian integer and the label's index. Most names differ in
// their first 8 bytes, so most comparisons are one integer comparison.
func (rec *record) sortLabels() {
	ls := rec.labels
	if len(ls) < 2 {
		return
	}
	keys := rec.keys[:0]
	for i := range ls {
		var k [8]byte
		copy(k[:], rec.bytes(ls[i].name))
		keys = append(keys, sortKey{binary.BigEndian.Uint64(k[:]), i})
	}
	rec.keys = keys
	if len(keys) <= 16 {
		// Insertion sort: stable, and for the handful of labels a line
		// usually has faster than a sort call.
		for i := 1; i < len(keys); i++ {
			x := keys[i]
			j := i
			for ; j > 0 && rec.less(x, keys[j-1]); j-- {
				keys[j] = keys[j-1]
			}
			keys[j] = x
		}
	} else {
		slices.SortStableFunc(keys, func(a, b sortKey) int {
			switch {
			case rec.less(a, b):
				return -1
			case rec.less(b, a):
				return 1
			}
			return 0
		})
	}
	// Reorder into rec.sorted, keeping the last of equal names.
	out := rec.sorted[:0]
	for i, k := range keys {
		if i > 0 && k.prefix == keys[i-1].prefix &&
			bytes.Equal(rec.bytes(ls[k.index].name), rec.bytes(ls[keys[i-1].index].name)) {
			out[len(out)-1] = ls[k.index]
			continue
		}
		out = append(out, ls[k.index])
	}
	rec.sorted, rec.labels = ls[:0], out
}

// sortKey is what sortLabels sorts.
type sortKey struct {
	prefix uint64 // the first 8 bytes of the name, zero-padded
	index  int    // of the label in record.labels
}

// less orders the keys of two labels by name.
func (rec *record) less(a, b sortKey) bool {
	if a.prefix != b.prefix {
		return a.prefix < b.prefix
	}
	return bytes.Compare(rec.bytes(rec.labels[a.index].name), rec.bytes(rec.labels[b.index].name)) < 0
}

// finish turns the record into an entry. line is the source line, which
// becomes the message when no message key was found.
//
// A decoded message is at most as long as the line, except that each byte
// of invalid UTF-8 turns into the three of U+FFFD: a message that grows
// past Options.MaxLineBytes that way is rejected, as the engine would
// reject it.
func (r *Reader) finish(line []byte, num int64) (engine.Entry, error) {
	rec := &r.rec
	if n := rec.msg.end - rec.msg.off; n > r.opts.MaxLineBytes {
		return engine.Entry{}, fmt.Errorf("%w: message of %d bytes after decoding", ErrLineTooLong, n)
	}
	if !rec.hasMsg {
		off := len(rec.buf)
		rec.buf = append(rec.buf, line...)
		rec.msg = span{off, len(rec.buf)}
	}
	rec.sortLabels()
	r.stats.count(rec.hasTime, rec.hasLevel, string(r.format))
	s := r.arena.string(rec.buf)
	str := func(sp span) string { return s[sp.off:sp.end] }

	e := engine.Entry{
		Job:     r.opts.Job,
		Attempt: r.opts.Attempt,
		Line:    num,
		Level:   rec.level,
		Message: str(rec.msg),
		Time:    r.lineTime(rec.time, rec.hasTime),
	}
	if rec.hasJob {
		e.Job = str(rec.job)
	}
	if rec.hasAttempt {
		e.Attempt = rec.attempt
	}
	if len(rec.labels) > 0 {
		e.Labels = r.labelSets.labels(rec, s, &r.arena)
	}
	return e, nil
}

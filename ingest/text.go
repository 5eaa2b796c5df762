package ingest

import "github.com/logdb/logdb/engine"

// readText turns a line of free text into an entry: the message is the line
// as written, and the time and level come from textDetector. A line without
// a time gets the previous line's (continuation lines of a stack trace
// belong with the line before them).
func (r *Reader) readText(line []byte, num int64) engine.Entry {
	t, ok, lvl := r.text.detect(line)
	return engine.Entry{
		Job:     r.opts.Job,
		Attempt: r.opts.Attempt,
		Line:    num,
		Time:    r.lineTime(t, ok),
		Level:   lvl,
		Message: r.arena.string(line),
	}
}

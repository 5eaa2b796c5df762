package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// LevelTextLabel is the label that keeps a line's level as written
// ("SEVERE", "notice", "E", "503") beside the level it maps onto, on lines
// whose level is not written as its name in some case ("INFO" or "info"
// for Info gets none: the level says it all).
const LevelTextLabel = "level_text"

// entryState is the start of the multi-line entry being read.
type entryState struct {
	level  engine.Level
	labels engine.Labels
}

// readText turns a line of free text into an entry: the message is the line
// as written, and the time and level come from textDetector. A line that
// continues a multi-line entry (see continuation) takes the level and
// labels of the line that started it; any line without a time gets the
// previous line's.
func (r *Reader) readText(line []byte, num int64) engine.Entry {
	if r.pattern != nil {
		if e, ok := r.readPattern(line, num); ok {
			return e
		}
	}
	d := r.detect(line)
	e := engine.Entry{
		Job:     r.opts.Job,
		Attempt: r.opts.Attempt,
		Line:    num,
		Time:    r.lineTime(d.time, d.hasTime),
		Level:   d.level,
		Message: r.arena.string(line),
	}
	if d.word != nil && !equalFoldString(d.word, d.level.String()) {
		e.Labels = r.levelLabel(d.word)
	}
	started := d.hasTime || d.word != nil
	switch {
	case r.cont.follows(line, started):
		e.Level, e.Labels = r.entry.level, r.entry.labels
		r.stats.Continued++
	case started || !isBlank(line):
		r.entry = entryState{level: e.Level, labels: e.Labels}
	}
	r.stats.count(d.hasTime, d.word != nil, d.layout)
	return e
}

// detect is textDetector.detect with Options.TimeFormat tried first.
func (r *Reader) detect(line []byte) detection {
	if r.timeFormat != nil {
		if t, n := r.timeFormat.parse(r.clock, line); n > 0 {
			lvl, w := levelAfterTime(line[n:min(len(line), n+headBytes)])
			return detection{t, true, lvl, w, layoutTimeFormat}
		}
	}
	return r.text.detect(line)
}

// readPattern reads a line that Options.Pattern matches.
func (r *Reader) readPattern(line []byte, num int64) (engine.Entry, bool) {
	e := engine.Entry{
		Job:     r.opts.Job,
		Attempt: r.opts.Attempt,
		Line:    num,
		Time:    r.lastTime,
		Message: r.arena.string(line),
	}
	hasTime, hasLevel, ok := r.pattern.match(r, line, &e)
	if !ok {
		return e, false
	}
	if r.pattern.time == 0 {
		// No time group: the time as Options.TimeFormat or detection
		// finds it.
		if d := r.detect(line); d.hasTime {
			e.Time, hasTime = r.lineTime(d.time, true), true
		}
	}
	r.cont.follows(line, true)
	r.entry = entryState{level: e.Level, labels: e.Labels}
	r.stats.count(hasTime, hasLevel, layoutPattern)
	return e, true
}

// parseTimeText parses the time a pattern's time group captured: with
// Options.TimeFormat if set, else with the text detector, also as if the
// text were in brackets (Apache's and other bracketed times).
func (r *Reader) parseTimeText(b []byte) (int64, bool) {
	if r.timeFormat != nil {
		if t, n := r.timeFormat.parse(r.clock, b); n > 0 {
			return t, true
		}
	}
	if d := r.text.detect(b); d.hasTime {
		return d.time, true
	}
	r.bracketed = append(append(append(r.bracketed[:0], '['), b...), ']')
	d := r.text.detect(r.bracketed)
	return d.time, d.hasTime
}

// maxLevelLabels bounds the level_text labels a Reader shares.
const maxLevelLabels = 256

// levelLabel returns the level_text label of word. Lines with the same
// word share one Labels: a file has a handful of level words.
func (r *Reader) levelLabel(word []byte) engine.Labels {
	if l := r.lastLevelLabel; l != nil && l[0].Value == string(word) {
		return l
	}
	if l, ok := r.levelLabels[string(word)]; ok {
		r.lastLevelLabel = l
		return l
	}
	l := engine.Labels{{Name: LevelTextLabel, Value: string(word)}}
	if r.levelLabels == nil {
		r.levelLabels = make(map[string]engine.Labels)
	}
	if len(r.levelLabels) < maxLevelLabels {
		r.levelLabels[l[0].Value] = l
	}
	r.lastLevelLabel = l
	return l
}

// equalFoldString reports whether b and s are equal under Unicode case
// folding.
func equalFoldString(b []byte, s string) bool {
	return len(b) == len(s) && bytes.EqualFold(b, []byte(s))
}

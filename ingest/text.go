package ingest

import "github.com/logdb/logdb/engine"

// LevelTextLabel is the label that keeps a text line's level as written
// ("SEVERE", "notice", "E", "503") beside the level it maps onto.
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
	d := r.text.detect(line)
	e := engine.Entry{
		Job:     r.opts.Job,
		Attempt: r.opts.Attempt,
		Line:    num,
		Time:    r.lineTime(d.time, d.hasTime),
		Level:   d.level,
		Message: r.arena.string(line),
	}
	if d.word != nil {
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

// levelLabel returns the level_text label of word, reusing the last one
// when the word is the same.
func (r *Reader) levelLabel(word []byte) engine.Labels {
	if l := r.lastLevelLabel; l != nil && l[0].Value == string(word) {
		return l
	}
	r.lastLevelLabel = engine.Labels{{Name: LevelTextLabel, Value: string(word)}}
	return r.lastLevelLabel
}

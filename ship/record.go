package ship

import "github.com/logdb/logdb/engine"

// A Record is one log record as a protocol carries it, before a Mapper
// turns it into an engine.Entry: the parts the protocol itself defines
// (time, level, message, and for JSON lines the run keys), and every other
// field by name.
type Record struct {
	// Time is the event time in Unix nanoseconds; 0 leaves it to the
	// append (the time the line is stored).
	Time int64
	// Level is the severity the protocol gives, or engine.NoLevel.
	Level engine.Level
	// Message is the line's text.
	Message string
	// Job and Attempt are the run the record names by itself (a JSON
	// line's job and attempt keys); Job is "" when it names none.
	Job     string
	Attempt int
	// Fields are the record's other name=value pairs, in the protocol's
	// order; names may repeat (the last wins). A Mapper takes the job,
	// attempt, time and message fields out of them and makes the rest
	// labels.
	Fields []engine.Label
	// Where names the record in errors: "line 3", "stream 1 entry 2".
	Where string
}

// field appends a string field.
func (r *Record) field(name, value string) {
	r.Fields = append(r.Fields, engine.Label{Name: name, Value: value})
}

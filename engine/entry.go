package engine

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// An Entry is one log line of a run.
//
// Entries returned by the DB share their Labels and may share the backing
// memory of Message with other entries of the same block; callers must not
// modify them.
type Entry struct {
	// Job and Attempt name the run. Attempt counts from 0.
	Job     string
	Attempt int
	// Line is the line number inside the run, from 1 and without gaps. It is
	// assigned by Append; a value set by the caller is ignored.
	Line int64
	// Time is the event time in Unix nanoseconds. Append replaces 0 with the
	// time of the append.
	Time int64
	// Level is the severity, or NoLevel.
	Level Level
	// Message is the line as written.
	Message string
	// Labels are the line's name=value pairs, sorted by name.
	Labels Labels
}

// Timestamp returns Time as a time.Time in UTC.
func (e *Entry) Timestamp() time.Time { return time.Unix(0, e.Time).UTC() }

// A Label is a name=value pair attached to a line.
type Label struct {
	Name, Value string
	// Kind is the type of the value where the source had one: a JSON
	// number or boolean. Value is its text as the source wrote it (a
	// number's literal, "true" or "false"); filters and the index compare
	// that text alone, whatever the kind.
	Kind LabelKind
}

// A LabelKind is the type of a label's value.
type LabelKind uint8

// Label kinds. Kinds other than LabelString are kept in blocks (see
// FORMAT.md) but not in run records: a run's labels are strings.
const (
	LabelString LabelKind = iota // text: every label of logfmt, text and runs
	LabelNumber                  // a JSON number; Value is its literal
	LabelBool                    // a JSON boolean; Value is "true" or "false"
	numLabelKinds
)

// Labels is a set of labels sorted by name with unique names.
type Labels []Label

// kindLetters are the letters of Kinds and SetKinds, by kind.
const kindLetters = "snb"

// Kinds returns the kinds of ls, a letter per label: s a string, n a
// number, b a boolean (as the server's protocol writes them); "" when
// every label is a string.
func (ls Labels) Kinds() string {
	typed := false
	for _, l := range ls {
		typed = typed || l.Kind != LabelString
	}
	if !typed {
		return ""
	}
	b := make([]byte, len(ls))
	for i, l := range ls {
		b[i] = 's'
		if l.Kind < numLabelKinds {
			b[i] = kindLetters[l.Kind]
		}
	}
	return string(b)
}

// SetKinds sets the kinds of ls from letters as Kinds returns them, and
// reports whether kinds held a valid letter per label; if not, ls is left
// as it was.
func (ls Labels) SetKinds(kinds string) bool {
	if len(kinds) != len(ls) || strings.Trim(kinds, kindLetters) != "" {
		return false
	}
	for i := range ls {
		ls[i].Kind = LabelKind(strings.IndexByte(kindLetters, kinds[i]))
	}
	return true
}

// Get returns the value of the label with the given name and whether it is
// present.
func (ls Labels) Get(name string) (string, bool) {
	i := sort.Search(len(ls), func(i int) bool { return ls[i].Name >= name })
	if i < len(ls) && ls[i].Name == name {
		return ls[i].Value, true
	}
	return "", false
}

// LabelsFromMap returns the labels of m sorted by name.
func LabelsFromMap(m map[string]string) Labels {
	if len(m) == 0 {
		return nil
	}
	ls := make(Labels, 0, len(m))
	for k, v := range m {
		ls = append(ls, Label{Name: k, Value: v})
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].Name < ls[j].Name })
	return ls
}

// String renders the labels for people: name=value pairs separated by
// spaces, a value quoted (as Go quotes strings) when it is empty or holds a
// blank or a quote.
func (ls Labels) String() string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(l.Name)
		b.WriteByte('=')
		if l.Value == "" || strings.ContainsAny(l.Value, " \t\n\"") {
			b.WriteString(strconv.Quote(l.Value))
		} else {
			b.WriteString(l.Value)
		}
	}
	return b.String()
}

// Map returns the labels as a map.
func (ls Labels) Map() map[string]string {
	m := make(map[string]string, len(ls))
	for _, l := range ls {
		m[l.Name] = l.Value
	}
	return m
}

// clone returns a deep copy of ls: new slice, new strings.
func (ls Labels) clone() Labels {
	if ls == nil {
		return nil
	}
	out := make(Labels, len(ls))
	for i, l := range ls {
		out[i] = Label{Name: strings.Clone(l.Name), Value: strings.Clone(l.Value), Kind: l.Kind}
	}
	return out
}

// text sets the kind of every label of ls to LabelString, as run records
// keep them, and returns ls.
func (ls Labels) text() Labels {
	for i := range ls {
		ls[i].Kind = LabelString
	}
	return ls
}

// normalize returns ls sorted by name, keeping the last value of a repeated
// name. An ls that is already sorted with unique names is returned as is.
func (ls Labels) normalize() Labels {
	ok := true
	for i := 1; i < len(ls); i++ {
		if ls[i-1].Name >= ls[i].Name {
			ok = false
			break
		}
	}
	if ok {
		return ls
	}
	out := append(Labels(nil), ls...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	w := 0
	for i := range out {
		if w > 0 && out[w-1].Name == out[i].Name {
			out[w-1] = out[i]
			continue
		}
		out[w] = out[i]
		w++
	}
	return out[:w]
}

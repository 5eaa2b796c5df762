package engine

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A Filter selects entries. It is a tree of the *Filter types in this file;
// a nil Filter matches every entry. Filters are plain values: build them with
// the constructors below or with the query package, which parses the filter
// language into them.
//
// Filters are safe for concurrent use once built.
type Filter interface {
	// String returns a debugging form of the filter.
	String() string
	isFilter()
}

// Op is a comparison operator.
type Op uint8

// The comparison operators. JobFilter and LabelFilter accept only Eq and Ne.
const (
	Eq Op = iota // =
	Ne           // !=
	Lt           // <
	Le           // <=
	Gt           // >
	Ge           // >=
)

var opNames = [...]string{Eq: "=", Ne: "!=", Lt: "<", Le: "<=", Gt: ">", Ge: ">="}

func (op Op) String() string {
	if int(op) < len(opNames) {
		return opNames[op]
	}
	return fmt.Sprintf("Op(%d)", uint8(op))
}

// cmp reports whether a op b holds.
func (op Op) cmp(a, b int64) bool {
	switch op {
	case Eq:
		return a == b
	case Ne:
		return a != b
	case Lt:
		return a < b
	case Le:
		return a <= b
	case Gt:
		return a > b
	case Ge:
		return a >= b
	}
	return false
}

// Latest is the attempt number that stands for the newest attempt of a job.
// Negative attempt numbers count back from it: -1 is the attempt before the
// latest, -2 the one before that.
const Latest = math.MinInt32

// AndFilter matches entries that match every filter in it. An empty AndFilter
// matches everything.
type AndFilter []Filter

// OrFilter matches entries that match at least one filter in it. An empty
// OrFilter matches nothing.
type OrFilter []Filter

// NotFilter matches entries that Filter does not match.
type NotFilter struct{ Filter Filter }

// WordFilter matches messages that contain Word as a whole word, ignoring
// case, as grep -iw does: the match must not be preceded or followed by a
// letter, a digit or '_'.
type WordFilter struct{ Word string }

// PhraseFilter matches messages that contain Text, ignoring case, as grep -iF
// does.
type PhraseFilter struct{ Text string }

// RegexpFilter matches messages in which Regexp matches anywhere.
type RegexpFilter struct{ Regexp *regexp.Regexp }

// LevelFilter compares the entry's level with Level in severity order. An
// entry without a level matches no LevelFilter.
type LevelFilter struct {
	Op    Op
	Level Level
}

// JobFilter matches the job name against Pattern, in which '*' matches any
// run of characters. Op is Eq or Ne.
type JobFilter struct {
	Op      Op
	Pattern string
}

// AttemptFilter compares the entry's attempt with Attempt. Attempt may be
// Latest or a negative number counting back from it; those are resolved per
// job when the query runs.
type AttemptFilter struct {
	Op      Op
	Attempt int
}

// LineFilter compares the entry's line number with Line.
type LineFilter struct {
	Op   Op
	Line int64
}

// LabelFilter matches the value of label Name against Pattern, in which '*'
// matches any run of characters. Op is Eq or Ne. A missing label has the
// value "": it matches Name="" and Name!="x", but not Name="*".
type LabelFilter struct {
	Name    string
	Op      Op
	Pattern string
}

// TimeFilter matches entries with Since <= Time < Until (Unix nanoseconds).
// A zero bound is open.
type TimeFilter struct{ Since, Until int64 }

func (AndFilter) isFilter()     {}
func (OrFilter) isFilter()      {}
func (NotFilter) isFilter()     {}
func (WordFilter) isFilter()    {}
func (PhraseFilter) isFilter()  {}
func (RegexpFilter) isFilter()  {}
func (LevelFilter) isFilter()   {}
func (JobFilter) isFilter()     {}
func (AttemptFilter) isFilter() {}
func (LineFilter) isFilter()    {}
func (LabelFilter) isFilter()   {}
func (TimeFilter) isFilter()    {}

// And returns a filter matching entries that match all of fs. Nil filters are
// dropped.
func And(fs ...Filter) Filter {
	out := make(AndFilter, 0, len(fs))
	for _, f := range fs {
		if f != nil {
			out = append(out, f)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// Or returns a filter matching entries that match any of fs.
func Or(fs ...Filter) Filter { return OrFilter(fs) }

// Not returns a filter matching entries that f does not match.
func Not(f Filter) Filter { return NotFilter{f} }

// Word returns a filter for messages containing w as a whole word.
func Word(w string) Filter { return WordFilter{w} }

// Phrase returns a filter for messages containing text, ignoring case.
func Phrase(text string) Filter { return PhraseFilter{text} }

// Regexp returns a filter for messages matched by re.
func Regexp(re *regexp.Regexp) Filter { return RegexpFilter{re} }

// LevelIs returns a filter for entries of level l.
func LevelIs(l Level) Filter { return LevelFilter{Eq, l} }

// LevelAtLeast returns a filter for entries of level l or more severe.
func LevelAtLeast(l Level) Filter { return LevelFilter{Ge, l} }

// Job returns a filter for the runs of job.
func Job(job string) Filter { return JobFilter{Eq, job} }

// Run returns a filter for one run. attempt may be Latest.
func Run(job string, attempt int) Filter {
	return AndFilter{JobFilter{Eq, job}, AttemptFilter{Eq, attempt}}
}

// LabelIs returns a filter for entries whose label name equals value.
func LabelIs(name, value string) Filter { return LabelFilter{name, Eq, value} }

// Lines returns a filter for line numbers from first to last, inclusive.
func Lines(first, last int64) Filter {
	return AndFilter{LineFilter{Ge, first}, LineFilter{Le, last}}
}

// Between returns a filter for entries with since <= time < until. A zero
// time.Time is an open bound.
func Between(since, until time.Time) Filter {
	var f TimeFilter
	if !since.IsZero() {
		f.Since = since.UnixNano()
	}
	if !until.IsZero() {
		f.Until = until.UnixNano()
	}
	return f
}

func (f AndFilter) String() string { return joinFilters("AND", f) }
func (f OrFilter) String() string  { return joinFilters("OR", f) }

func joinFilters(op string, fs []Filter) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = filterString(f)
	}
	return "(" + strings.Join(parts, " "+op+" ") + ")"
}

func filterString(f Filter) string {
	if f == nil {
		return "*"
	}
	return f.String()
}

func (f NotFilter) String() string     { return "NOT " + filterString(f.Filter) }
func (f WordFilter) String() string    { return "word(" + strconv.Quote(f.Word) + ")" }
func (f PhraseFilter) String() string  { return "phrase(" + strconv.Quote(f.Text) + ")" }
func (f RegexpFilter) String() string  { return "regexp(" + strconv.Quote(f.Regexp.String()) + ")" }
func (f LevelFilter) String() string   { return "level" + f.Op.String() + f.Level.String() }
func (f JobFilter) String() string     { return "job" + f.Op.String() + strconv.Quote(f.Pattern) }
func (f LineFilter) String() string    { return "line" + f.Op.String() + strconv.FormatInt(f.Line, 10) }
func (f LabelFilter) String() string   { return f.Name + f.Op.String() + strconv.Quote(f.Pattern) }
func (f AttemptFilter) String() string { return "attempt" + f.Op.String() + attemptString(f.Attempt) }

func (f TimeFilter) String() string {
	s, u := "-inf", "+inf"
	if f.Since != 0 {
		s = time.Unix(0, f.Since).UTC().Format(time.RFC3339Nano)
	}
	if f.Until != 0 {
		u = time.Unix(0, f.Until).UTC().Format(time.RFC3339Nano)
	}
	return "time[" + s + "," + u + ")"
}

func attemptString(a int) string {
	if a == Latest {
		return "latest"
	}
	return strconv.Itoa(a)
}

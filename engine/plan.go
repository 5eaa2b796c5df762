package engine

import (
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/logdb/logdb/index"
)

// A plan is a Filter compiled for one query: a predicate over rows, the
// bounds that let whole blocks be skipped from their summaries, and the
// index query that narrows the candidate blocks.
type plan struct {
	cond cond

	// jobs, when not nil, are the only jobs that can match (from top-level
	// job=X terms without '*'); attempts are top-level attempt terms.
	jobs     []string
	attempts []AttemptFilter

	since, until     int64 // time bounds, [since, until); 0 = open
	lineMin, lineMax int64 // line bounds, inclusive
	levels           []LevelFilter
	// substrings every matching message contains (lower-cased), to skip a
	// block whose messages hold none of it without splitting them.
	substrings []*textMatcher
	// driver, if set, is the longest of the ASCII substrings: scan finds its
	// occurrences in a block's messages in one pass and checks only the
	// lines that hold one.
	driver *textMatcher

	ixq index.Query // nil: the index cannot narrow the search
	// ids are the hashes of the id-like words every matching message
	// holds, which word filters can rule blocks out by (wordfilter.go).
	ids []uint64

	// countWord, if set, is the index term of the filter's one word, which
	// with countRest (the rest of the filter: job, attempt, time and line
	// terms only) lets Count count indexed blocks from the index.
	countWord string
	countRest cond
}

func compile(f Filter) (*plan, error) {
	p := &plan{lineMin: 1, lineMax: math.MaxInt64}
	c, err := compileCond(f)
	if err != nil {
		return nil, err
	}
	p.cond = c
	p.ixq = indexQuery(f)
	var conj []Filter
	switch f := f.(type) {
	case nil:
	case AndFilter:
		conj = flattenAnd(f)
	default:
		conj = []Filter{f}
	}
	for _, c := range conj {
		switch c := c.(type) {
		case JobFilter:
			if c.Op == Eq && !strings.Contains(c.Pattern, "*") {
				if p.jobs == nil {
					p.jobs = []string{c.Pattern}
				} else if len(p.jobs) > 0 && p.jobs[0] != c.Pattern {
					p.jobs = []string{} // job=a job=b: nothing
				}
			}
		case AttemptFilter:
			p.attempts = append(p.attempts, c)
		case TimeFilter:
			if c.Since != 0 && (p.since == 0 || c.Since > p.since) {
				p.since = c.Since
			}
			if c.Until != 0 && (p.until == 0 || c.Until < p.until) {
				p.until = c.Until
			}
		case LineFilter:
			lo, hi := lineBounds(c)
			p.lineMin, p.lineMax = max(p.lineMin, lo), min(p.lineMax, hi)
		case LevelFilter:
			p.levels = append(p.levels, c)
		case WordFilter:
			p.substrings = append(p.substrings, newTextMatcher(c.Word, false))
			words(c.Word, func(w string, _, _ int) { p.addIDWord(w) })
		case PhraseFilter:
			p.addPhrase(c)
		case RegexpFilter:
			for _, ph := range c.phrases() {
				p.addPhrase(ph)
			}
		}
	}
	for _, m := range p.substrings {
		if m.ascii && m.needle != "" && (p.driver == nil || len(m.needle) > len(p.driver.needle)) {
			p.driver = m
		}
	}
	p.countWord, p.countRest = countPlan(conj)
	return p, nil
}

// addPhrase adds a phrase every matching message holds to the plan's
// substrings and its inner id-like words to the plan's ids.
func (p *plan) addPhrase(f PhraseFilter) {
	p.substrings = append(p.substrings, newTextMatcher(f.Text, false))
	// Only inner words are whole words of a match (see indexQuery).
	words(f.Text, func(w string, start, end int) {
		if start > 0 && end < len(f.Text) {
			p.addIDWord(w)
		}
	})
}

// addIDWord adds word w to the plan's id-like words if it is one.
func (p *plan) addIDWord(w string) {
	if t := indexTerm(w); isIDWord(t) {
		p.ids = append(p.ids, wordHash(t))
	}
}

// countPlan returns the term and the rest of a filter made of one word and
// terms on job, attempt, time and line, for Count; "" otherwise.
func countPlan(conj []Filter) (string, cond) {
	var (
		term string
		rest condAnd
	)
	for _, c := range conj {
		switch c := c.(type) {
		case WordFilter:
			if term != "" {
				return "", nil
			}
			if term = countTerm(c.Word); term == "" {
				return "", nil
			}
		case JobFilter, AttemptFilter, TimeFilter, LineFilter:
			cc, err := compileCond(c)
			if err != nil {
				return "", nil
			}
			rest = append(rest, cc)
		default:
			return "", nil
		}
	}
	return term, rest
}

func flattenAnd(f AndFilter) []Filter {
	var out []Filter
	for _, c := range f {
		if a, ok := c.(AndFilter); ok {
			out = append(out, flattenAnd(a)...)
		} else if c != nil {
			out = append(out, c)
		}
	}
	return out
}

func lineBounds(f LineFilter) (lo, hi int64) {
	lo, hi = 1, math.MaxInt64
	switch f.Op {
	case Eq:
		lo, hi = f.Line, f.Line
	case Lt:
		hi = f.Line - 1
	case Le:
		hi = f.Line
	case Gt:
		lo = f.Line + 1
	case Ge:
		lo = f.Line
	}
	return lo, hi
}

// skip reports whether no line of a block with summary s starting at line
// first can match.
func (p *plan) skip(first int64, s *summary) bool {
	if s.count == 0 {
		return true
	}
	last := first + int64(s.count) - 1
	if last < p.lineMin || first > p.lineMax {
		return true
	}
	if p.since != 0 && s.maxT < p.since || p.until != 0 && s.minT >= p.until {
		return true
	}
	for _, lf := range p.levels {
		if !s.hasLevel(lf) {
			return true
		}
	}
	return false
}

// skipBlock reports whether no message of b can match, by looking for the
// plan's substrings in all of b's messages at once. The driver's are
// looked for by the scan itself.
func (p *plan) skipBlock(b *block) bool {
	for _, m := range p.substrings {
		if m != p.driver && !m.match(b.data) {
			return true
		}
	}
	return false
}

// skipMessages reports whether no message in msgs, a block's message
// column, can match: whether one of the plan's substrings, the driver's
// too, is in none of them. It is nil if the plan has no substrings.
func (p *plan) skipMessages() func(msgs []byte) bool {
	if len(p.substrings) == 0 {
		return nil
	}
	return func(msgs []byte) bool {
		if len(msgs) == 0 {
			return true
		}
		data := unsafe.String(&msgs[0], len(msgs))
		for _, m := range p.substrings {
			if !m.match(data) {
				return true
			}
		}
		return false
	}
}

// A row is one line of a block being checked.
type row struct {
	b      *block
	i      int
	name   runName
	latest func(job string) int // latest attempt of a job, for attempt=latest
}

// A cond is a compiled Filter.
type cond interface {
	match(r *row) bool
}

func compileCond(f Filter) (cond, error) {
	switch f := f.(type) {
	case nil:
		return condTrue{}, nil
	case AndFilter:
		cs, err := compileConds(f)
		return condAnd(cs), err
	case OrFilter:
		cs, err := compileConds(f)
		return condOr(cs), err
	case NotFilter:
		c, err := compileCond(f.Filter)
		if err != nil {
			return nil, err
		}
		return condNot{c}, nil
	case WordFilter:
		return condText{newTextMatcher(f.Word, true)}, nil
	case PhraseFilter:
		return condText{newTextMatcher(f.Text, false)}, nil
	case RegexpFilter:
		if f.Regexp == nil {
			return nil, fmt.Errorf("engine: RegexpFilter with a nil Regexp")
		}
		return condRegexp{f}, nil
	case LevelFilter:
		return f, nil
	case JobFilter:
		if f.Op != Eq && f.Op != Ne {
			return nil, fmt.Errorf("engine: job filter with operator %s; want = or !=", f.Op)
		}
		return f, nil
	case AttemptFilter:
		return f, nil
	case LineFilter:
		return f, nil
	case LabelFilter:
		if f.Op != Eq && f.Op != Ne {
			return nil, fmt.Errorf("engine: label filter with operator %s; want = or !=", f.Op)
		}
		return f, nil
	case TimeFilter:
		return f, nil
	}
	return nil, fmt.Errorf("engine: unknown filter type %T", f)
}

func compileConds(fs []Filter) ([]cond, error) {
	cs := make([]cond, 0, len(fs))
	for _, f := range fs {
		c, err := compileCond(f)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

type (
	condTrue   struct{}
	condAnd    []cond
	condOr     []cond
	condNot    struct{ c cond }
	condText   struct{ m *textMatcher }
	condRegexp struct{ f RegexpFilter }
)

func (condTrue) match(*row) bool { return true }

func (c condAnd) match(r *row) bool {
	for _, x := range c {
		if !x.match(r) {
			return false
		}
	}
	return true
}

func (c condOr) match(r *row) bool {
	for _, x := range c {
		if x.match(r) {
			return true
		}
	}
	return false
}

func (c condNot) match(r *row) bool    { return !c.c.match(r) }
func (c condText) match(r *row) bool   { return c.m.match(r.b.msg(r.i)) }
func (c condRegexp) match(r *row) bool { return c.f.Regexp.MatchString(r.b.msg(r.i)) }
func (f LevelFilter) match(r *row) bool {
	return r.b.levels[r.i] != NoLevel && f.Op.cmp(int64(r.b.levels[r.i]), int64(f.Level))
}
func (f LineFilter) match(r *row) bool { return f.Op.cmp(r.b.first+int64(r.i), f.Line) }

func (f TimeFilter) match(r *row) bool {
	t := r.b.times[r.i]
	return (f.Since == 0 || t >= f.Since) && (f.Until == 0 || t < f.Until)
}

func (f JobFilter) match(r *row) bool {
	return globMatch(f.Pattern, r.name.job) == (f.Op == Eq)
}

func (f LabelFilter) match(r *row) bool {
	v, ok := r.b.labels(r.i).Get(f.Name)
	var m bool
	if f.Pattern == "*" || strings.Contains(f.Pattern, "*") && strings.Trim(f.Pattern, "*") == "" {
		m = ok
	} else {
		m = globMatch(f.Pattern, v)
	}
	return m == (f.Op == Eq)
}

func (f AttemptFilter) match(r *row) bool {
	want := f.Attempt
	if want < 0 {
		latest := r.latest(r.name.job)
		if want == Latest {
			want = latest
		} else {
			want = latest + want
		}
	}
	return f.Op.cmp(int64(r.name.attempt), int64(want))
}

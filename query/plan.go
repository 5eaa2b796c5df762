package query

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// Options tune how a query is planned and run.
type Options struct {
	// Now is the time relative times (since=-1h, during=today) count from.
	// Default: time.Now() when the plan is made.
	Now time.Time

	// Location is the zone of wall-clock times and calendar ranges unless
	// the query sets tz=. Default: time.Local.
	Location *time.Location

	// Limits bound how long the query may run and how much memory its
	// pipes may hold. Default: no timeout but the context's, and
	// DefaultMaxMemory().
	Limits Limits
}

// A Plan is a query made ready to run: an engine filter, the engine options
// that the first pipes could be pushed into, and the pipes left to run over
// the engine's results.
//
// A Plan holds no resources and may be run any number of times, also
// concurrently.
type Plan struct {
	// Filter is what the engine evaluates. Nil matches every entry.
	Filter engine.Filter

	// QueryOptions are passed to engine Query: the order (a leading
	// "sort by time [desc]") and a limit (leading "limit" and "offset"
	// pipes).
	QueryOptions engine.QueryOptions

	// Location is the zone the query's times were read in.
	Location *time.Location

	// Now is the time relative times were resolved against.
	Now time.Time

	// Pipes are the pipes run over the engine's results, in order. They
	// still include the leading limit/offset pushed into QueryOptions, which
	// an engine honouring Limit makes cheap; a leading "sort by time" that
	// went into QueryOptions.Desc is dropped.
	Pipes []Pipe

	// Columns are the record columns the plan yields, or nil if it yields
	// log entries.
	Columns []string

	// Limits bound each run of the plan (Options.Limits).
	Limits Limits

	// span is the length of the query's time range, for rate(); 0 if the
	// filter leaves it open.
	span time.Duration
}

// NewPlan lowers q into an engine filter and a pipeline. It fails only for
// queries Parse would have rejected, such as hand-built ones with bad values.
func NewPlan(q *Query, opts Options) (*Plan, error) {
	p := &Plan{Now: opts.Now, Location: opts.Location, Limits: opts.Limits}
	if p.Now.IsZero() {
		p.Now = time.Now()
	}
	if p.Location == nil {
		p.Location = time.Local
	}
	src := q.source()
	if err := validateLines(src, q); err != nil {
		return nil, err
	}
	if q.Having != nil {
		return nil, &ParseError{Pos: q.Having.Pos, Msg: "HAVING selects runs by their lines; use it in a query over runs (logdb runs)", Query: src}
	}
	if tz := findTZ(q.Filter); tz != nil {
		loc, err := ParseZone(tz.Value)
		if err != nil {
			return nil, err
		}
		p.Location = loc
	}
	l := &lowerer{now: p.Now, loc: p.Location}
	if q.Filter != nil {
		f, err := l.filter(engineFilter(q.Filter))
		if err != nil {
			return nil, err
		}
		p.Filter = f
	}
	p.Pipes = pushDown(q.Pipes, &p.QueryOptions)
	var s rowShape
	for _, pipe := range q.Pipes {
		switch pipe := pipe.(type) {
		case *CountPipe:
			s = rowShape{records: true}
			for _, f := range pipe.By {
				s.cols = append(s.cols, f.Name)
			}
			s.cols = append(s.cols, colCount)
		case *FieldsPipe:
			s = rowShape{records: true}
			for _, f := range pipe.Fields {
				s.cols = append(s.cols, f.Name)
			}
		default:
			s = pipeShape(s, pipe)
		}
	}
	p.Columns = s.cols
	if err := p.postFilter(q, l); err != nil {
		return nil, err
	}
	p.span = querySpan(p.Filter, p.Now)
	return p, nil
}

// pushDown moves what the engine can do into o and returns the pipes left.
// A first "sort by time" or "sort by time desc" becomes the engine's order:
// its ties are broken by job, attempt and line in the same direction, which
// is what the sort stage does too. Leading offset and limit pipes bound the
// engine's results to offset+limit entries; the pipes stay, to skip the
// offset and to guard against an engine returning more.
func pushDown(pipes []Pipe, o *engine.QueryOptions) []Pipe {
	if len(pipes) > 0 {
		if s, ok := pipes[0].(*SortPipe); ok && len(s.Keys) == 1 && s.Keys[0].Field == colTime {
			o.Desc = s.Keys[0].Desc
			pipes = pipes[1:]
		}
	}
	// Only the first skip+N entries can pass "offset skip | limit N", so
	// that bounds the engine; with several, the smallest bound holds.
	skip, bound := 0, -1
	for _, p := range pipes {
		switch p := p.(type) {
		case *OffsetPipe:
			skip += p.N
			continue
		case *LimitPipe:
			if bound < 0 || skip+p.N < bound {
				bound = skip + p.N
			}
			continue
		}
		break
	}
	// A bound of 0 cannot be expressed (Limit 0 means none); the limit
	// stage then stops before reading anything.
	if bound > 0 {
		o.Limit = bound
	}
	return pipes
}

// findTZ returns the tz= comparison of the filter, if any. validate made
// sure there is at most one and that it is ANDed with the whole filter.
func findTZ(e Expr) *CompareExpr {
	var tz *CompareExpr
	if e == nil {
		return nil
	}
	Inspect(e, func(n Node) bool {
		if c, ok := n.(*CompareExpr); ok && c.Field == fieldTZ {
			tz = c
		}
		return tz == nil
	})
	return tz
}

// lowerer turns filter expressions into engine filters.
type lowerer struct {
	now time.Time
	loc *time.Location
}

// matchNone is an engine filter matching nothing: an empty OR.
var matchNone = engine.OrFilter{}

// filter lowers e. A nil result matches everything. ANDs and ORs are
// flattened into one engine.AndFilter or OrFilter per run of the same
// operator.
func (l *lowerer) filter(e Expr) (engine.Filter, error) {
	switch e := e.(type) {
	case *ParenExpr:
		return l.filter(e.X)
	case *AndExpr:
		var fs []engine.Filter
		if err := l.collect(e, &fs, true); err != nil {
			return nil, err
		}
		return engine.And(fs...), nil
	case *OrExpr:
		var fs []engine.Filter
		if err := l.collect(e, &fs, false); err != nil {
			return nil, err
		}
		for _, f := range fs {
			if f == nil {
				return nil, nil // x OR * matches everything
			}
		}
		return engine.OrFilter(fs), nil
	case *NotExpr:
		f, err := l.filter(e.X)
		if err != nil {
			return nil, err
		}
		if f == nil {
			return matchNone, nil
		}
		return engine.NotFilter{Filter: f}, nil
	case *MatchAllExpr:
		return nil, nil
	case *WordExpr:
		return engine.WordFilter{Word: e.Word}, nil
	case *PhraseExpr:
		return engine.PhraseFilter{Text: e.Text}, nil
	case *RegexpExpr:
		re, err := regexp.Compile(e.Pattern)
		if err != nil {
			return nil, fmt.Errorf("bad regular expression /%s/: %w", e.Pattern, err)
		}
		return engine.RegexpFilter{Regexp: re}, nil
	case *CompareExpr:
		return l.compare(e)
	case *InExpr, *RangeExpr:
		return l.filter(desugar(e))
	}
	return nil, fmt.Errorf("query: BUG: unknown expression %T", e)
}

// collect appends the lowered operands of a chain of ANDs (and) or ORs
// (!and) under e to fs, looking through parentheses.
func (l *lowerer) collect(e Expr, fs *[]engine.Filter, and bool) error {
	for {
		p, ok := e.(*ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	switch x := e.(type) {
	case *AndExpr:
		if and {
			if err := l.collect(x.LHS, fs, and); err != nil {
				return err
			}
			return l.collect(x.RHS, fs, and)
		}
	case *OrExpr:
		if !and {
			if err := l.collect(x.LHS, fs, and); err != nil {
				return err
			}
			return l.collect(x.RHS, fs, and)
		}
	}
	f, err := l.filter(e)
	if err != nil {
		return err
	}
	if f == nil && and {
		return nil // * and tz= add nothing to an AND
	}
	*fs = append(*fs, f)
	return nil
}

func (l *lowerer) compare(e *CompareExpr) (engine.Filter, error) {
	wrap := func(err error) error {
		return fmt.Errorf("%s: %w", e, err)
	}
	switch e.Field {
	case fieldLevel:
		lv, err := parseLevelValue(e.Value)
		if err != nil {
			return nil, wrap(err)
		}
		return engine.LevelFilter{Op: e.Op, Level: lv}, nil
	case fieldJob:
		return engine.JobFilter{Op: e.Op, Pattern: e.Value}, nil
	case fieldAttempt:
		a, err := parseAttemptValue(e.Value)
		if err != nil {
			return nil, wrap(err)
		}
		return engine.AttemptFilter{Op: e.Op, Attempt: a}, nil
	case fieldLine:
		n, err := parseLineValue(e.Value)
		if err != nil {
			return nil, wrap(err)
		}
		return engine.LineFilter{Op: e.Op, Line: n}, nil
	case fieldSince, fieldUntil:
		tv, err := parseTimeValue(e.Value)
		if err != nil {
			return nil, wrap(err)
		}
		t := tv.resolve(l.now, l.loc)
		if e.Field == fieldSince {
			return engine.Between(t, time.Time{}), nil
		}
		return untilFilter(t), nil
	case fieldDuring:
		dv, err := parseDuring(e.Value)
		if err != nil {
			return nil, wrap(err)
		}
		since, until := dv.resolve(l.now, l.loc)
		f := engine.Between(since, time.Time{}).(engine.TimeFilter)
		if !until.IsZero() {
			f.Until = untilFilter(until).Until
		}
		return f, nil
	case fieldTZ:
		return nil, nil // applied to the whole query by NewPlan
	}
	return engine.LabelFilter{Name: e.Field, Op: e.Op, Pattern: e.Value}, nil
}

// untilFilter returns the filter Time < t. engine.TimeFilter reads an Until
// of 0 as open; until the Unix epoch itself becomes Until -1, which only
// differs for an entry stamped exactly 1 ns before the epoch.
func untilFilter(t time.Time) engine.TimeFilter {
	u := t.UnixNano()
	if u == 0 {
		u = -1
	}
	return engine.TimeFilter{Until: u}
}

// String describes the plan for people, as an EXPLAIN would:
//
//	filter: (word("timeout") AND level>=Warn)
//	engine: desc limit=10
//	pipes:  limit 10 | count by job
func (p *Plan) String() string {
	var b strings.Builder
	f := "*"
	if p.Filter != nil {
		f = p.Filter.String()
	}
	fmt.Fprintf(&b, "filter: %s\n", f)
	order := "asc"
	if p.QueryOptions.Desc {
		order = "desc"
	}
	fmt.Fprintf(&b, "engine: %s", order)
	if p.QueryOptions.Limit > 0 {
		fmt.Fprintf(&b, " limit=%d", p.QueryOptions.Limit)
	}
	fmt.Fprintf(&b, " zone=%s\n", p.Location)
	if len(p.Pipes) > 0 {
		parts := make([]string, len(p.Pipes))
		for i, pipe := range p.Pipes {
			parts[i] = pipe.String()
		}
		fmt.Fprintf(&b, "pipes:  %s\n", strings.Join(parts, " | "))
	}
	return b.String()
}

package query

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file lowers the expressions and pipes of ast_pipes.go.

// statsFuncNames lists the functions of stats for errors.
const statsFuncNames = "count, count_uniq, sum, avg, min, max, median, quantile or rate"

// statsArgs says how many field arguments each stats function takes: the
// lowest and highest number.
var statsArgs = map[string][2]int{
	"count":      {0, 1},
	"count_uniq": {1, 1},
	"sum":        {1, 1},
	"avg":        {1, 1},
	"min":        {1, 1},
	"max":        {1, 1},
	"median":     {1, 1},
	"quantile":   {2, 2},
	"rate":       {0, 0},
}

func (p *lowering) rangeExpr(c *rangeCST) Expr {
	e := &RangeExpr{Field: c.Field, Pos: position(c.Pos)}
	e.ValuePos = advancePos(p.src, e.Pos, len(c.Field))
	r := c.Range // ":[lo, hi]"
	e.LoOpen, e.HiOpen = r[1] == '(', r[len(r)-1] == ')'
	lo, hi, ok := strings.Cut(r[2:len(r)-1], ",")
	e.Lo, e.Hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	if !ok || e.Lo == "" || e.Hi == "" || strings.Contains(hi, ",") {
		p.errorf(c.Pos, "bad range %s of %s: write FIELD:[low, high], with \"(\" or \")\" for an open end", r[1:], c.Field)
	}
	return e
}

func (p *lowering) inExpr(c *inCST) Expr {
	e := &InExpr{Field: c.Field, Pos: position(c.Pos)}
	e.ValuePos = advancePos(p.src, e.Pos, skipSpaces(p.src, e.Pos.Offset+len(c.Field))-e.Pos.Offset)
	body := strings.TrimSpace(strings.TrimPrefix(c.List, "in"))
	body = body[1 : len(body)-1] // the lexer saw the parentheses
	for {
		body = strings.TrimLeftFunc(body, unicode.IsSpace)
		var v string
		if strings.HasPrefix(body, `"`) {
			n := stringLen(body, 0)
			v, body = unquote(body[:n]), body[n:]
		} else {
			i := strings.IndexByte(body, ',')
			if i < 0 {
				i = len(body)
			}
			v, body = strings.TrimRightFunc(body[:i], unicode.IsSpace), body[i:]
			if v == "" {
				p.errorf(c.Pos, "empty value in the list of %s in (…)", c.Field)
				return e
			}
		}
		e.Values = append(e.Values, v)
		body = strings.TrimLeftFunc(body, unicode.IsSpace)
		if body == "" {
			return e
		}
		if body[0] != ',' {
			p.errorf(c.Pos, "the values of %s in (…) need \",\" between them, not %q", c.Field, body)
			return e
		}
		body = body[1:]
	}
}

// questionPipe lowers the pipes of ast_pipes.go; ok is false for the others.
func (p *lowering) questionPipe(c *pipeCST) (pipe Pipe, ok bool) {
	pos := position(c.Pos)
	switch {
	case c.Stats != nil:
		return p.stats(c.Stats), true
	case c.Top != nil:
		tp := &TopPipe{N: p.count("top", c.Top.N), By: fieldRefs(c.Top.By.Names), Pos: pos}
		if len(tp.By) == 0 {
			p.errorf(c.Top.By.Pos, "top needs fields to count: top N by (FIELD, …)")
		}
		return tp, true
	case c.Uniq != nil:
		up := &UniqPipe{By: fieldRefs(c.Uniq.By.Names), Pos: pos}
		if len(up.By) == 0 {
			p.errorf(c.Uniq.By.Pos, "uniq needs fields: uniq by (FIELD, …)")
		}
		return up, true
	case c.Histogram != nil:
		return &HistogramPipe{Step: p.step(c.Histogram.Step), Pos: pos}, true
	case c.Filter != nil:
		return &FilterPipe{X: p.or(c.Filter.X), Pos: pos}, true
	case c.Unpack != nil:
		return &UnpackPipe{Format: strings.TrimPrefix(c.Unpack.Format, "unpack_"), From: fromName(c.Unpack.From), Pos: pos}, true
	case c.Extract != nil:
		return p.extract(c.Extract, pos), true
	case c.FieldNames != nil:
		return &FieldNamesPipe{Pos: pos}, true
	case c.FieldValues != nil:
		return &FieldValuesPipe{Field: FieldRef{Name: c.FieldValues.Field.Name, Pos: position(c.FieldValues.Field.Pos)}, Pos: pos}, true
	}
	return nil, false
}

func fromName(c *nameCST) string {
	if c == nil {
		return ""
	}
	return c.Name
}

// step reads a bucket step such as 5m or 1h30m.
func (p *lowering) step(c *nameCST) time.Duration {
	d, err := parseDuration(c.Name)
	switch {
	case err != nil:
		p.errorf(c.Pos, "bad bucket step %q: %v", c.Name, err)
	case d <= 0:
		p.errorf(c.Pos, "bad bucket step %q: want more than 0", c.Name)
	}
	return d
}

func (p *lowering) stats(c *statsCST) *StatsPipe {
	sp := &StatsPipe{Pos: position(c.Pos)}
	if c.By != nil {
		if len(c.By.Names) == 0 {
			p.errorf(c.By.Pos, "empty by (); leave it out to compute over all rows")
		}
		for _, n := range c.By.Names {
			b := ByField{Name: n.Name, Pos: position(n.Pos)}
			if name, step, ok := strings.Cut(n.Name, ":"); ok {
				b.Name = name
				if !timeColumn(name) {
					p.errorf(n.Pos, "only times have buckets (_time:STEP; over runs start, end and trigger too), not %s", name)
				}
				at := n.Pos
				at.Offset += len(name) + 1
				at.Column += len(name) + 1
				b.Bucket = p.step(&nameCST{Pos: at, Name: step})
			}
			sp.By = append(sp.By, b)
		}
	}
	for _, f := range c.Funcs {
		sp.Funcs = append(sp.Funcs, p.statsFunc(f))
	}
	return sp
}

func (p *lowering) statsFunc(c *funcCST) StatsFunc {
	f := StatsFunc{Name: c.Name, Pos: position(c.Pos)}
	if c.As != nil {
		f.As = c.As.Name
	}
	n, ok := statsArgs[c.Name]
	if !ok {
		p.errorf(c.Pos, "unknown stats function %q (want %s)", c.Name, statsFuncNames)
		return f
	}
	if len(c.Args) < n[0] || len(c.Args) > n[1] {
		p.errorf(c.Pos, "%s takes %s", c.Name, statsUsage[c.Name])
		return f
	}
	args := c.Args
	if c.Name == "quantile" {
		phi, err := strconv.ParseFloat(args[0].Name, 64)
		if err != nil || !(phi >= 0 && phi <= 1) {
			p.errorf(args[0].Pos, "quantile wants a number from 0 to 1 first, not %q", args[0].Name)
		}
		f.Phi, args = phi, args[1:]
	}
	if len(args) > 0 {
		f.Field = args[0].Name
	}
	return f
}

// statsUsage says what arguments each stats function takes.
var statsUsage = map[string]string{
	"count":      "no field, or one: count(), count(FIELD)",
	"count_uniq": "one field: count_uniq(FIELD)",
	"sum":        "one field: sum(FIELD)",
	"avg":        "one field: avg(FIELD)",
	"min":        "one field: min(FIELD)",
	"max":        "one field: max(FIELD)",
	"median":     "one field: median(FIELD)",
	"quantile":   "a number from 0 to 1 and a field: quantile(0.95, FIELD)",
	"rate":       "no arguments: rate()",
}

func (p *lowering) extract(c *extractCST, pos Position) *ExtractPipe {
	e := &ExtractPipe{Pattern: unquote(c.Pattern), Regexp: c.Kw == "extract_regexp", From: fromName(c.From), Pos: pos}
	var names []string
	if e.Regexp {
		re, err := regexp.Compile(e.Pattern)
		if err != nil {
			p.errorf(c.Pos, "bad regular expression: %s", regexpError(err))
			return e
		}
		for _, n := range re.SubexpNames() {
			if n != "" {
				names = append(names, n)
			}
		}
	} else {
		pat, err := parsePattern(e.Pattern)
		if err != nil {
			p.errorf(c.Pos, "bad extract pattern: %v", err)
			return e
		}
		names = pat.names()
	}
	if len(names) == 0 {
		p.errorf(c.Pos, "%s pattern %s names no field to extract", c.Kw, quote(e.Pattern))
	}
	return e
}

// timeColumn reports whether name is a time that stats can bucket: the
// time of a line, or the start, end and trigger of a run.
func timeColumn(name string) bool {
	switch name {
	case colTime, colUnderscoreTime, colRunStart, colRunEnd, colRunTrigger:
		return true
	}
	return false
}

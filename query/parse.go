package query

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/logdb/logdb/engine"
)

// Parse parses a query: a filter followed by pipes. An empty query (or "*")
// matches every line. Errors are *ParseError and carry the position of the
// problem: syntax errors as well as unknown levels, fields, time zones and
// pipes, bad regular expressions, times and numbers.
//
// Parse is safe for concurrent use.
func Parse(src string) (*Query, error) {
	cst, err := parser.ParseString("", src)
	if err != nil {
		return nil, syntaxError(src, err)
	}
	p := &lowering{src: src}
	q := p.query(cst)
	if p.err != nil {
		return nil, p.err
	}
	if err := validate(src, q); err != nil {
		return nil, err
	}
	q.Source = src
	return q, nil
}

// MustParse is like Parse but panics on an error. It is meant for constant
// queries in code and tests.
func MustParse(src string) *Query {
	q, err := Parse(src)
	if err != nil {
		panic("query: " + err.Error())
	}
	return q
}

// syntaxError turns a participle error into a *ParseError with a message for
// people rather than one naming grammar rules: participle's messages name
// the structs of grammar.go ("expected OrCST \")\""), which mean nothing to
// someone typing a query.
func syntaxError(src string, err error) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return &ParseError{Pos: Position{Line: 1, Column: 1}, Msg: err.Error(), Query: src}
	}
	var (
		lerr *lexError
		ute  *participle.UnexpectedTokenError
		msg  string
	)
	switch {
	case errors.As(err, &lerr):
		msg = lerr.msg
	case errors.As(err, &ute):
		msg = "unexpected " + describeToken(ute.Unexpected)
		item := expectedItem(perr.Message())
		exp := describeItem(item)
		if item == "UnaryCST" && endsTerm(tokenBefore(src, ute.Unexpected.Pos.Offset)) {
			// After a term participle names the term that could be ANDed
			// to it; that it failed means a "(" is open, and ")" would do
			// as well: "(a b" lacks a ")".
			exp += ` or ")"`
		}
		switch {
		case exp != "":
			msg += ", want " + exp
		case ute.Unexpected.Type == tokRParen:
			msg += ` with no "(" to close`
		default:
			msg += `, want "|" or the end of the query`
		}
	case strings.HasPrefix(perr.Message(), "too many iterations of "):
		// A repetition of the grammar ran past participle.MaxIterations.
		msg = fmt.Sprintf("query too long (more than %d %s in a row)", participle.MaxIterations, tooManyWhat(perr.Message()))
	default:
		// Other participle errors come from grammar features this grammar
		// does not use ("sub-expression … must match at least once"); they
		// would name grammar structs.
		msg = "syntax error"
	}
	return &ParseError{Pos: position(perr.Position()), Msg: msg, Query: src}
}

// tooManyWhat says what a "too many iterations of …" message counts.
func tooManyWhat(msg string) string {
	switch {
	case strings.Contains(msg, "PipeCST"):
		return "pipes"
	case strings.Contains(msg, "NameCST"), strings.Contains(msg, "SortKeyCST"):
		return "names"
	}
	return "terms"
}

// describeToken names a token in an error message.
func describeToken(t lexer.Token) string {
	switch t.Type {
	case tokEOF:
		return "end of query"
	case tokPipe:
		return `"|"`
	}
	return fmt.Sprintf("%q", t.Value)
}

// pipeNames lists the pipes for error messages.
const pipeNames = "sort, limit, head, offset, count, fields, context, stats, top, uniq, histogram, filter, unpack_json, unpack_logfmt, extract, extract_regexp, field_names or field_values"

// expectedItems says in words what each item of the grammar that participle
// may name after "expected" stands for: the structs of grammar.go and the
// token types of lexer.go, as participle prints them in its EBNF. Every
// struct and token type has an entry (TestExpectation_AllItems checks), so
// that a change to the grammar cannot leak a struct name into a message.
var expectedItems = map[string]string{
	"QueryCST":       "a search term or a pipe",
	"HavingCST":      "HAVING",
	"OrCST":          "a search term",
	"AndCST":         "a search term",
	"UnaryCST":       "a search term",
	"NotCST":         "a search term",
	"PrimaryCST":     "a search term",
	"CompareCST":     "a search term",
	"PipeCST":        "a pipe (" + pipeNames + ")",
	"SortCST":        "a pipe (" + pipeNames + ")",
	"LimitCST":       "a pipe (" + pipeNames + ")",
	"OffsetCST":      "a pipe (" + pipeNames + ")",
	"CountCST":       "a pipe (" + pipeNames + ")",
	"FieldsCST":      "a pipe (" + pipeNames + ")",
	"ContextCST":     "a pipe (" + pipeNames + ")",
	"BadPipeCST":     "a pipe (" + pipeNames + ")",
	"StatsCST":       "a pipe (" + pipeNames + ")",
	"TopCST":         "a pipe (" + pipeNames + ")",
	"UniqCST":        "a pipe (" + pipeNames + ")",
	"HistogramCST":   "a pipe (" + pipeNames + ")",
	"FilterCST":      "a pipe (" + pipeNames + ")",
	"UnpackCST":      "a pipe (" + pipeNames + ")",
	"ExtractCST":     "a pipe (" + pipeNames + ")",
	"FieldNamesCST":  "a pipe (" + pipeNames + ")",
	"FieldValuesCST": "a pipe (" + pipeNames + ")",
	"ByCST":          `"by (…)"`,
	"FuncCST":        "a stats function (" + statsFuncNames + ")",
	"RangeCST":       "a search term",
	"InCST":          "a search term",
	"SortKeyCST":     "a field to sort by",
	// Names follow only "count by" and the commas of count and fields:
	// limit, offset and context with a bad argument are bad pipes.
	"NameCST":   "a field name",
	"<eof>":     "the end of the query",
	"<keyword>": "AND, OR or NOT",
	"<minus>":   `"-"`,
	"<lparen>":  `"("`,
	"<rparen>":  `")"`,
	"<pipe>":    `"|"`,
	"<comma>":   `","`,
	"<word>":    "a word",
	"<string>":  "a quoted string",
	"<regex>":   "a regular expression",
	"<field>":   "a field name",
	"<op>":      "an operator (=, !=, <, <=, >, >=)",
	"<value>":   "a value",
	"<range>":   "a range [low, high]",
	"<in>":      "a list (a, b, …)",
}

// expectedItem returns the first item of X in participle's "(expected X)",
// or "" if msg has none. X is the EBNF of the rest of the rule that failed,
// such as `OrCST ")"` after "(": only its first item is wanted where the
// error is.
func expectedItem(msg string) string {
	i := strings.LastIndex(msg, "(expected ")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return ""
	}
	return firstItem(msg[i+len("(expected ") : len(msg)-1])
}

// tokenBefore returns the type of the last token of src that starts before
// offset off, or tokEOF if there is none.
func tokenBefore(src string, off int) lexer.TokenType {
	toks, err := parser.Lex("", strings.NewReader(src))
	if err != nil {
		return tokEOF
	}
	typ := tokEOF
	for _, t := range toks {
		if t.Pos.Offset >= off || t.EOF() {
			break
		}
		typ = t.Type
	}
	return typ
}

// endsTerm reports whether a token of type t can end a search term.
func endsTerm(t lexer.TokenType) bool {
	switch t {
	case tokWord, tokString, tokRegex, tokValue, tokRParen:
		return true
	}
	return false
}

// firstItem returns the first item of a sequence in participle's EBNF: a
// name, a <token>, a "literal", or a group in parentheses with its suffix.
func firstItem(ebnf string) string {
	end := len(ebnf)
	topLevel(ebnf, func(i int, c byte) bool {
		if c == ' ' {
			end = i
			return false
		}
		return true
	})
	return ebnf[:end]
}

// describeItem puts one item of participle's EBNF in words, or returns ""
// if it cannot.
// A required group such as ("asc" | "desc") is described by its
// alternatives; optional ones (?, *) never fail, so participle never names
// them as expected.
func describeItem(item string) string {
	if d, ok := expectedItems[item]; ok {
		return d
	}
	if strings.HasPrefix(item, `"`) {
		return item // a literal such as ")" or "by", as the user types it
	}
	group, ok := strings.CutPrefix(strings.TrimSuffix(item, "+"), "(")
	if !ok || !strings.HasSuffix(group, ")") {
		return ""
	}
	var alts []string
	for _, alt := range splitAlternatives(group[:len(group)-1]) {
		d := describeItem(firstItem(alt))
		if d == "" {
			return ""
		}
		if !slices.Contains(alts, d) {
			alts = append(alts, d)
		}
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return strings.Join(alts[:len(alts)-1], ", ") + " or " + alts[len(alts)-1]
}

// splitAlternatives splits participle's EBNF at the top-level " | ".
func splitAlternatives(ebnf string) []string {
	var out []string
	start := 0
	topLevel(ebnf, func(i int, c byte) bool {
		if c == '|' {
			out = append(out, strings.TrimSpace(ebnf[start:i]))
			start = i + 1
		}
		return true
	})
	return append(out, strings.TrimSpace(ebnf[start:]))
}

// topLevel calls fn with each byte of participle's EBNF that is outside
// quotes and parentheses, and its offset, until fn returns false.
func topLevel(ebnf string, fn func(i int, c byte) bool) {
	depth, quoted := 0, false
	for i := 0; i < len(ebnf); i++ {
		switch c := ebnf[i]; {
		case quoted && c == '\\':
			i++
		case quoted:
			quoted = c != '"'
		case c == '"':
			quoted = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0:
			if !fn(i, c) {
				return
			}
		}
	}
}

func position(p lexer.Position) Position {
	return Position{Offset: p.Offset, Line: p.Line, Column: p.Column}
}

// lowering turns participle's concrete syntax into the AST. It records the
// first error.
type lowering struct {
	src string
	err error
}

func (p *lowering) errorf(pos lexer.Position, format string, args ...any) {
	if p.err == nil {
		p.err = &ParseError{Pos: position(pos), Msg: fmt.Sprintf(format, args...), Query: p.src}
	}
}

func (p *lowering) query(c *queryCST) *Query {
	q := &Query{}
	if c.Filter != nil {
		q.Filter = p.or(c.Filter)
	}
	if c.Having != nil {
		q.Having = &Having{X: p.or(c.Having.Filter), Pos: position(c.Having.Pos)}
	}
	for _, pc := range c.Pipes {
		if pipe := p.pipe(pc); pipe != nil {
			q.Pipes = append(q.Pipes, pipe)
		}
	}
	return q
}

func (p *lowering) or(c *orCST) Expr {
	e := p.and(c.Left)
	for _, r := range c.Rest {
		e = &OrExpr{LHS: e, RHS: p.and(r), Pos: position(c.Pos)}
	}
	return e
}

func (p *lowering) and(c *andCST) Expr {
	e := p.unary(c.Left)
	for _, r := range c.Rest {
		e = &AndExpr{LHS: e, RHS: p.unary(r), Pos: position(c.Pos)}
	}
	return e
}

func (p *lowering) unary(c *unaryCST) Expr {
	if c.Not != nil {
		return &NotExpr{X: p.unary(c.Not.X), Pos: position(c.Not.Pos)}
	}
	return p.primary(c.Prim)
}

func (p *lowering) primary(c *primaryCST) Expr {
	pos := position(c.Pos)
	switch {
	case c.Group != nil:
		return &ParenExpr{X: p.or(c.Group), Pos: pos}
	case c.Compare != nil:
		return p.compare(c.Compare)
	case c.Range != nil:
		return p.rangeExpr(c.Range)
	case c.In != nil:
		return p.inExpr(c.In)
	case c.String != nil:
		return &PhraseExpr{Text: unquote(*c.String), Pos: pos}
	case c.Regex != nil:
		return &RegexpExpr{Pattern: regexBody(*c.Regex), Pos: pos}
	case *c.Word == "*":
		return &MatchAllExpr{Pos: pos}
	default:
		return &WordExpr{Word: *c.Word, Pos: pos}
	}
}

var ops = map[string]engine.Op{"=": engine.Eq, "!=": engine.Ne, "<": engine.Lt, "<=": engine.Le, ">": engine.Gt, ">=": engine.Ge}

func (p *lowering) compare(c *compareCST) Expr {
	e := &CompareExpr{Field: c.Field, Op: ops[c.Op], Pos: position(c.Pos)}
	if c.Quoted != nil {
		e.Value = unquote(*c.Quoted)
	} else {
		e.Value = *c.Bare
	}
	// The value is the third token: after the field, the operator and, in
	// a filter pipe, the spaces around it.
	off := skipSpaces(p.src, skipSpaces(p.src, e.Pos.Offset+len(c.Field))+len(c.Op))
	e.ValuePos = advancePos(p.src, e.Pos, off-e.Pos.Offset)
	return e
}

func (p *lowering) pipe(c *pipeCST) Pipe {
	pos := position(c.Pos)
	switch {
	case c.Sort != nil:
		sp := &SortPipe{Pos: pos}
		for _, k := range append(c.Sort.InKeys, c.Sort.Keys...) {
			sp.Keys = append(sp.Keys, SortKey{Field: k.Name, Desc: k.Dir == "desc", Pos: position(k.Pos)})
		}
		return sp
	case c.Limit != nil:
		return &LimitPipe{N: p.count(c.Limit.Kw, c.Limit.N), Pos: pos}
	case c.Offset != nil:
		return &OffsetPipe{N: p.count("offset", c.Offset.N), Pos: pos}
	case c.Context != nil:
		return &ContextPipe{N: p.count("context", c.Context.N), Pos: pos}
	case c.Count != nil:
		return &CountPipe{By: fieldRefs(c.Count.By), Pos: pos}
	case c.Fields != nil:
		return &FieldsPipe{Fields: fieldRefs(c.Fields.Names), Pos: pos}
	}
	if pipe, ok := p.questionPipe(c); ok {
		return pipe
	}
	b := c.Bad
	if usage, ok := pipeUsage[b.Name]; ok {
		p.errorf(b.Pos, "bad %s pipe; usage: %s", b.Name, usage)
	} else {
		p.errorf(b.Pos, "unknown pipe %q (want %s)", b.Name, pipeNames)
	}
	return nil
}

// pipeUsage shows how each pipe is written, for errors.
var pipeUsage = map[string]string{
	"sort":    "sort by FIELD [asc|desc], …",
	"limit":   "limit N",
	"head":    "head N",
	"offset":  "offset N",
	"count":   "count [by FIELD, …]",
	"fields":  "fields FIELD, …",
	"context": "context N",

	"stats":          "stats [by (FIELD[:STEP], …)] FUNC(…) [as NAME], … with FUNC one of " + statsFuncNames,
	"top":            "top N by (FIELD, …)",
	"uniq":           "uniq by (FIELD, …)",
	"histogram":      "histogram STEP",
	"filter":         "filter FILTER",
	"unpack_json":    "unpack_json [from FIELD]",
	"unpack_logfmt":  "unpack_logfmt [from FIELD]",
	"extract":        `extract "text <name> text <_>" [from FIELD]`,
	"extract_regexp": `extract_regexp "(?P<name>re)" [from FIELD]`,
	"field_names":    "field_names",
	"field_values":   "field_values FIELD",
}

func (p *lowering) count(pipe string, c *nameCST) int {
	n, err := parseCount(pipe, c.Name)
	if err != nil {
		p.errorf(c.Pos, "%v", err)
	}
	return n
}

func fieldRefs(cs []*nameCST) []FieldRef {
	if len(cs) == 0 {
		return nil
	}
	out := make([]FieldRef, len(cs))
	for i, c := range cs {
		out[i] = FieldRef{Name: c.Name, Pos: position(c.Pos)}
	}
	return out
}

// validate checks what the grammar cannot: field values, operators allowed
// per field, regular expressions, where tz= stands, and that each pipe gets
// the kind of rows it needs.
func validate(src string, q *Query) error {
	return (&validator{src: src}).query(q)
}

// validateLines is validate for a query over lines, where labels, being
// text, compare with = and != only (a query over runs has numeric fields).
func validateLines(src string, q *Query) error {
	return (&validator{src: src, lines: true}).query(q)
}

func (v *validator) query(q *Query) error {
	if q.Filter != nil {
		v.expr(q.Filter, true)
	}
	if q.Having != nil && v.err == nil {
		v.expr(q.Having.X, false)
	}
	if v.err == nil {
		v.pipes(q.Pipes)
	}
	return v.err
}

type validator struct {
	src   string
	lines bool // the query is over lines
	err   error
	tz    *CompareExpr // the tz= seen, if any
}

func (v *validator) errorf(pos Position, format string, args ...any) {
	if v.err == nil {
		v.err = &ParseError{Pos: pos, Msg: fmt.Sprintf(format, args...), Query: v.src}
	}
}

// expr checks e; top says whether e is ANDed with the whole query, which
// tz= must be.
func (v *validator) expr(e Expr, top bool) {
	switch e := e.(type) {
	case *OrExpr:
		v.expr(e.LHS, false)
		v.expr(e.RHS, false)
	case *AndExpr:
		v.expr(e.LHS, top)
		v.expr(e.RHS, top)
	case *NotExpr:
		v.expr(e.X, false)
	case *ParenExpr:
		v.expr(e.X, top)
	case *RegexpExpr:
		if _, err := regexp.Compile(e.Pattern); err != nil {
			pos := e.Pos
			off, msg, bad := regexProblem(e.Pattern)
			if !bad {
				msg = regexpError(err)
			} else if strings.HasPrefix(v.src[min(pos.Offset, len(v.src)):], "/"+e.Pattern+"/") {
				// The pattern stands as it is in the query (no "\/"):
				// point into it.
				pos = advancePos(v.src, pos, 1+off)
			}
			v.errorf(pos, "bad regular expression: %s", msg)
		}
	case *CompareExpr:
		v.compare(e, top)
	case *RangeExpr:
		v.rangeExpr(e)
	case *InExpr:
		v.inExpr(e)
	}
}

// regexpError drops the "error parsing regexp: " prefix of err.
func regexpError(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

func (v *validator) compare(e *CompareExpr, top bool) {
	onlyEq := func(what string) bool {
		if e.Op != engine.Eq {
			v.errorf(e.Pos, "%s takes only =, not %s", what, e.Op)
			return false
		}
		return true
	}
	var err error
	switch e.Field {
	case fieldLevel:
		_, err = parseLevelValue(e.Value)
	case fieldAttempt:
		_, err = parseAttemptValue(e.Value)
	case fieldLine:
		_, err = parseLineValue(e.Value)
	case fieldSince, fieldUntil:
		if onlyEq(e.Field) {
			_, err = parseTimeValue(e.Value)
		}
	case fieldDuring:
		if onlyEq(e.Field) {
			_, err = parseDuring(e.Value)
		}
	case fieldTZ:
		if !onlyEq(e.Field) {
			return
		}
		if !top {
			v.errorf(e.Pos, "tz= sets the zone of the whole query; it cannot stand under NOT or OR")
			return
		}
		if v.tz != nil {
			v.errorf(e.Pos, "tz= given twice (first at %d:%d)", v.tz.Pos.Line, v.tz.Pos.Column)
			return
		}
		v.tz = e
		_, err = ParseZone(e.Value)
	case fieldJob:
		if e.Op != engine.Eq && e.Op != engine.Ne {
			v.errorf(e.Pos, "%s compares with = and != only, not %s (quote the term to search for it as text)", e.Field, e.Op)
		}
	default: // labels, and the numeric fields of runs
		if v.lines && e.Op != engine.Eq && e.Op != engine.Ne {
			if _, ok := parseNumber(e.Value); !ok {
				v.errorf(e.ValuePos, "%s%s compares numbers and durations, and %q is neither (quote the term to search for it as text)", e.Field, e.Op, e.Value)
			}
		}
	}
	if err != nil {
		v.errorf(e.ValuePos, "%v", err)
	}
}

// rowShape describes the rows flowing between pipes: entries, or records
// with the named columns.
type rowShape struct {
	records bool
	cols    []string
}

func (s rowShape) has(name string) bool {
	if !s.records {
		return true // any entry field or label
	}
	for _, c := range s.cols {
		if c == name {
			return true
		}
	}
	return false
}

func (v *validator) field(s rowShape, f FieldRef) {
	if !s.has(f.Name) {
		v.errorf(f.Pos, "unknown column %q (the rows here have %s)", f.Name, strings.Join(s.cols, ", "))
	}
}

func (v *validator) pipes(ps []Pipe) {
	var s rowShape
	for i, p := range ps {
		switch p := p.(type) {
		case *SortPipe:
			for _, k := range p.Keys {
				v.field(s, FieldRef(FieldRef{Name: k.Field, Pos: k.Pos}))
			}
		case *CountPipe:
			seen := map[string]bool{}
			cols := make([]string, 0, len(p.By)+1)
			for _, f := range p.By {
				v.field(s, f)
				if seen[f.Name] || f.Name == colCount {
					v.errorf(f.Pos, "column %q would appear twice", f.Name)
				}
				seen[f.Name] = true
				cols = append(cols, f.Name)
			}
			s = rowShape{records: true, cols: append(cols, colCount)}
		case *FieldsPipe:
			seen := map[string]bool{}
			cols := make([]string, 0, len(p.Fields))
			for _, f := range p.Fields {
				v.field(s, f)
				if seen[f.Name] {
					v.errorf(f.Pos, "column %q listed twice", f.Name)
				}
				seen[f.Name] = true
				cols = append(cols, f.Name)
			}
			s = rowShape{records: true, cols: cols}
		case *ContextPipe:
			if s.records {
				v.errorf(p.Pos, "context needs log lines; it cannot follow count or fields")
			} else if i != len(ps)-1 {
				v.errorf(ps[i+1].Position(), "context must be the last pipe")
			}
		default:
			s = v.questionPipe(s, p)
		}
	}
}

package query

import "github.com/logdb/logdb/engine"

// Position is a place in the query text. Offset counts bytes from 0; Line and
// Column count from 1, Column in characters (runes).
type Position struct {
	Offset int
	Line   int
	Column int
}

// A Node is a node of the AST: a Query, an Expr, a Pipe or a part of one.
// Nodes are plain values; they are safe for concurrent reading.
type Node interface {
	// String returns the node as query text that parses back to the same
	// node (ignoring positions). For nodes built by hand the text is only
	// guaranteed to parse back if it could have come from Parse: a WordExpr
	// must hold a word the lexer reads as one word, a CompareExpr a field
	// name, and so on.
	String() string

	// Position returns where the node starts in the query.
	Position() Position
}

// Query is a parsed query: a filter and the pipes applied to its results
// from left to right.
type Query struct {
	// Filter selects log lines. Nil matches every line (an empty query).
	// In a query over runs (RunRuns) it selects runs.
	Filter Expr
	// Having, in a query over runs, keeps the runs that have a line
	// matching it: "status=failed HAVING timeout". Nil if absent.
	Having *Having
	// Pipes are the "| …" stages, in order.
	Pipes []Pipe
	// Source is the text Parse read, which the positions refer to; empty
	// for a Query built in code.
	Source string
}

// source returns the text that positions in q refer to: Source, or for a
// Query built in code its String.
func (q *Query) source() string {
	if q.Source != "" {
		return q.Source
	}
	return q.String()
}

// Having is the "HAVING filter" clause of a query over runs: the filter
// applies to the runs' lines.
type Having struct {
	X   Expr
	Pos Position
}

// An Expr is a node of the filter. It is one of *OrExpr, *AndExpr, *NotExpr,
// *ParenExpr, *WordExpr, *PhraseExpr, *RegexpExpr, *CompareExpr,
// *RangeExpr, *InExpr and *MatchAllExpr.
//
//sumtype:decl
type Expr interface {
	Node
	exprNode()
}

// OrExpr matches lines that match LHS or RHS: "a OR b".
type OrExpr struct {
	LHS, RHS Expr
	Pos      Position // of LHS
}

// AndExpr matches lines that match both LHS and RHS: "a b" or "a AND b".
type AndExpr struct {
	LHS, RHS Expr
	Pos      Position // of LHS
}

// NotExpr matches lines that X does not match: "NOT x" or "-x".
type NotExpr struct {
	X   Expr
	Pos Position // of NOT or '-'
}

// ParenExpr is a parenthesised expression: "( x )".
type ParenExpr struct {
	X   Expr
	Pos Position // of '('
}

// WordExpr matches messages containing Word as a whole word, ignoring case:
// "timeout".
type WordExpr struct {
	Word string
	Pos  Position
}

// PhraseExpr matches messages containing Text, ignoring case:
// "\"connection reset\"". Text is unquoted.
type PhraseExpr struct {
	Text string
	Pos  Position
}

// RegexpExpr matches messages in which the RE2 regular expression Pattern
// matches anywhere: "/time(d)?out/". Pattern is the text between the
// slashes with `\/` turned into '/'.
type RegexpExpr struct {
	Pattern string
	Pos     Position
}

// CompareExpr is "field op value", such as level>=Warn, job=etl-*,
// since=-1h, tz=UTC or app!=billing. Field is one of the reserved fields
// (level, job, attempt, line, since, until, during, tz) or a label name.
// Value is unquoted.
type CompareExpr struct {
	Field    string
	Op       engine.Op
	Value    string
	Pos      Position // of Field
	ValuePos Position // of Value (its opening quote if quoted)
}

// RangeExpr matches a field whose value, read as a number or a duration,
// lies in a range: "status:[500, 599]" includes both ends, "took:(0, 1s]"
// excludes the low one. Lo and Hi are the bounds as written.
type RangeExpr struct {
	Field          string
	Lo, Hi         string
	LoOpen, HiOpen bool     // the bound is excluded: '(' or ')'
	Pos            Position // of Field
	ValuePos       Position // of the range's ':'
}

// InExpr matches a field equal to one of Values: "level in (Error,
// Fatal)", "job in (etl-1, api-*)". Values are unquoted; for job and labels
// '*' matches any run of characters, as with =.
type InExpr struct {
	Field    string
	Values   []string
	Pos      Position // of Field
	ValuePos Position // of "in"
}

// MatchAllExpr is "*", which matches every line.
type MatchAllExpr struct {
	Pos Position
}

func (*OrExpr) exprNode()       {}
func (*AndExpr) exprNode()      {}
func (*NotExpr) exprNode()      {}
func (*ParenExpr) exprNode()    {}
func (*WordExpr) exprNode()     {}
func (*PhraseExpr) exprNode()   {}
func (*RegexpExpr) exprNode()   {}
func (*CompareExpr) exprNode()  {}
func (*RangeExpr) exprNode()    {}
func (*InExpr) exprNode()       {}
func (*MatchAllExpr) exprNode() {}

// A Pipe is one "| …" stage: *SortPipe, *LimitPipe, *OffsetPipe,
// *CountPipe, *FieldsPipe, *ContextPipe, *StatsPipe, *TopPipe, *UniqPipe,
// *HistogramPipe, *FilterPipe, *UnpackPipe, *ExtractPipe, *FieldNamesPipe
// or *FieldValuesPipe (ast_pipes.go).
//
//sumtype:decl
type Pipe interface {
	Node
	pipeNode()
}

// SortPipe orders the rows: "sort by time desc, job".
type SortPipe struct {
	Keys []SortKey
	Pos  Position // of "sort"
}

// SortKey is one key of a SortPipe.
type SortKey struct {
	Field string
	Desc  bool
	Pos   Position
}

// LimitPipe keeps the first N rows: "limit 100" or "head 100".
type LimitPipe struct {
	N   int
	Pos Position
}

// OffsetPipe drops the first N rows: "offset 20".
type OffsetPipe struct {
	N   int
	Pos Position
}

// CountPipe counts rows, in total ("count") or per distinct value of the By
// fields ("count by job, level").
type CountPipe struct {
	By  []FieldRef
	Pos Position
}

// FieldsPipe turns each row into a record of the named fields:
// "fields time, level, msg".
type FieldsPipe struct {
	Fields []FieldRef
	Pos    Position
}

// ContextPipe adds N lines of the same run before and after each hit:
// "context 3".
type ContextPipe struct {
	N   int
	Pos Position
}

// FieldRef names a field in a pipe.
type FieldRef struct {
	Name string
	Pos  Position
}

func (*SortPipe) pipeNode()    {}
func (*LimitPipe) pipeNode()   {}
func (*OffsetPipe) pipeNode()  {}
func (*CountPipe) pipeNode()   {}
func (*FieldsPipe) pipeNode()  {}
func (*ContextPipe) pipeNode() {}

// HasContext reports whether q ends in "| context N", so that its rows
// hold lines of context beside the hits (Row.Context) and separators.
func (q *Query) HasContext() bool {
	if len(q.Pipes) == 0 {
		return false
	}
	_, ok := q.Pipes[len(q.Pipes)-1].(*ContextPipe)
	return ok
}

func (q *Query) Position() Position {
	if q.Filter != nil {
		return q.Filter.Position()
	}
	if q.Having != nil {
		return q.Having.Pos
	}
	if len(q.Pipes) > 0 {
		return q.Pipes[0].Position()
	}
	return Position{Line: 1, Column: 1}
}

func (h *Having) Position() Position       { return h.Pos }
func (e *OrExpr) Position() Position       { return e.Pos }
func (e *AndExpr) Position() Position      { return e.Pos }
func (e *NotExpr) Position() Position      { return e.Pos }
func (e *ParenExpr) Position() Position    { return e.Pos }
func (e *WordExpr) Position() Position     { return e.Pos }
func (e *PhraseExpr) Position() Position   { return e.Pos }
func (e *RegexpExpr) Position() Position   { return e.Pos }
func (e *CompareExpr) Position() Position  { return e.Pos }
func (e *RangeExpr) Position() Position    { return e.Pos }
func (e *InExpr) Position() Position       { return e.Pos }
func (e *MatchAllExpr) Position() Position { return e.Pos }
func (p *SortPipe) Position() Position     { return p.Pos }
func (p *LimitPipe) Position() Position    { return p.Pos }
func (p *OffsetPipe) Position() Position   { return p.Pos }
func (p *CountPipe) Position() Position    { return p.Pos }
func (p *FieldsPipe) Position() Position   { return p.Pos }
func (p *ContextPipe) Position() Position  { return p.Pos }
func (k SortKey) Position() Position       { return k.Pos }
func (f FieldRef) Position() Position      { return f.Pos }

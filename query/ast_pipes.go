package query

import "time"

// This file holds the pipes that answer questions rather than find lines:
// stats and its shorthands (top, uniq, histogram), the filter over their
// results, extraction of fields at query time (unpack_json, unpack_logfmt,
// extract, extract_regexp) and the label listings (field_names,
// field_values). Their names and syntax follow VictoriaLogs' LogsQL.

// StatsPipe computes Funcs over the rows, in total or per distinct value
// of the By fields: "stats by (_time:5m, level) count(), quantile(0.95,
// took) as p95". Its rows have the By fields, then one column per function
// (StatsFunc.Column).
type StatsPipe struct {
	By    []ByField
	Funcs []StatsFunc
	Pos   Position
}

// ByField is one field a stats pipe groups by. A time field may be
// bucketed: "_time:5m" groups by the start of each 5-minute bucket, aligned
// to the query's zone.
type ByField struct {
	Name   string
	Bucket time.Duration // 0: no bucket
	Pos    Position
}

// StatsFunc is one function of a stats pipe: count(), count(f),
// count_uniq(f), sum(f), avg(f), min(f), max(f), median(f), quantile(phi,
// f) or rate().
type StatsFunc struct {
	Name  string  // count, count_uniq, sum, avg, min, max, median, quantile or rate
	Field string  // "" for count() and rate()
	Phi   float64 // quantile's
	As    string  // the result's name if given ("as p95"); see Column
	Pos   Position
}

// Column returns the name of f's result column: As if set, else "count"
// and "rate" for count() and rate(), "p95_f" for quantile(0.95, f) and
// "name_f" for the others (such as "avg_took").
func (f StatsFunc) Column() string {
	switch {
	case f.As != "":
		return f.As
	case f.Field == "":
		return f.Name
	case f.Name == "quantile":
		return "p" + formatPhi(f.Phi*100) + "_" + f.Field
	}
	return f.Name + "_" + f.Field
}

// TopPipe keeps the N most frequent values of the By fields, with their
// counts: "top 10 by (job)". It is "stats by (…) count() | sort by (count
// desc) | limit N" in one.
type TopPipe struct {
	N   int
	By  []FieldRef
	Pos Position
}

// UniqPipe returns each distinct combination of the By fields once:
// "uniq by (user)".
type UniqPipe struct {
	By  []FieldRef
	Pos Position
}

// HistogramPipe counts rows per time bucket, with empty buckets filled:
// "histogram 5m" is "stats by (_time:5m) count()".
type HistogramPipe struct {
	Step time.Duration
	Pos  Position
}

// FilterPipe keeps the rows that X matches: "filter count > 10" after
// stats, or "filter took>500ms" after an extraction. Over records, X may
// only compare columns.
type FilterPipe struct {
	X   Expr
	Pos Position
}

// UnpackPipe parses a field as JSON or logfmt and adds the keys it finds
// as fields of the line: "unpack_json", "unpack_logfmt from params".
// From is the field to parse, "" for the message.
type UnpackPipe struct {
	Format string // "json" or "logfmt"
	From   string
	Pos    Position
}

// ExtractPipe pulls fields out of a field's text: with a pattern of named
// holes, "extract \"took <ms>ms\"" (<_> skips text), or with the named
// groups of a regular expression, "extract_regexp \"(?P<ms>\\d+)ms\"".
// From is the field to read, "" for the message.
type ExtractPipe struct {
	Pattern string
	Regexp  bool
	From    string
	Pos     Position
}

// FieldNamesPipe lists the fields of the rows and on how many rows each
// has a value: columns "name" and "count".
type FieldNamesPipe struct {
	Pos Position
}

// FieldValuesPipe lists the values of one field with their counts,
// commonest first: "field_values level".
type FieldValuesPipe struct {
	Field FieldRef
	Pos   Position
}

func (*StatsPipe) pipeNode()       {}
func (*TopPipe) pipeNode()         {}
func (*UniqPipe) pipeNode()        {}
func (*HistogramPipe) pipeNode()   {}
func (*FilterPipe) pipeNode()      {}
func (*UnpackPipe) pipeNode()      {}
func (*ExtractPipe) pipeNode()     {}
func (*FieldNamesPipe) pipeNode()  {}
func (*FieldValuesPipe) pipeNode() {}

func (p *StatsPipe) Position() Position       { return p.Pos }
func (p *TopPipe) Position() Position         { return p.Pos }
func (p *UniqPipe) Position() Position        { return p.Pos }
func (p *HistogramPipe) Position() Position   { return p.Pos }
func (p *FilterPipe) Position() Position      { return p.Pos }
func (p *UnpackPipe) Position() Position      { return p.Pos }
func (p *ExtractPipe) Position() Position     { return p.Pos }
func (p *FieldNamesPipe) Position() Position  { return p.Pos }
func (p *FieldValuesPipe) Position() Position { return p.Pos }
func (b ByField) Position() Position          { return b.Pos }
func (f StatsFunc) Position() Position        { return f.Pos }

// Charted reports whether q ends in a count over time buckets that reads
// well as a bar chart: "| histogram STEP" or "| stats by (_time:STEP, …)
// FUNC(…)" with one function.
func (q *Query) Charted() bool {
	if len(q.Pipes) == 0 {
		return false
	}
	switch p := q.Pipes[len(q.Pipes)-1].(type) {
	case *HistogramPipe:
		return true
	case *StatsPipe:
		return len(p.By) > 0 && p.By[0].Bucket > 0 && len(p.Funcs) == 1
	}
	return false
}

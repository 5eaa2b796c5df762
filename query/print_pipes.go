package query

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file prints the expressions and pipes of ast.go and ast_pipes.go
// that answer questions, under the contract of print.go.

func (e *RangeExpr) String() string {
	open, end := "[", "]"
	if e.LoOpen {
		open = "("
	}
	if e.HiOpen {
		end = ")"
	}
	return e.Field + ":" + open + e.Lo + ", " + e.Hi + end
}

func (e *InExpr) String() string {
	vals := make([]string, len(e.Values))
	for i, v := range e.Values {
		vals[i] = listValue(v)
	}
	return e.Field + " in (" + strings.Join(vals, ", ") + ")"
}

// listValue prints one value of an in list, quoted unless it is a
// non-empty run of characters that the list reads as one value.
func listValue(v string) string {
	if v == "" || strings.ContainsAny(v, `"(),|`) || strings.IndexFunc(v, unicode.IsSpace) >= 0 {
		return quote(v)
	}
	return v
}

func (p *StatsPipe) String() string {
	var b strings.Builder
	b.WriteString("stats ")
	if len(p.By) > 0 {
		names := make([]string, len(p.By))
		for i, f := range p.By {
			names[i] = f.String()
		}
		b.WriteString("by (" + strings.Join(names, ", ") + ") ")
	}
	for i, f := range p.Funcs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

func (b ByField) String() string {
	if b.Bucket > 0 {
		return b.Name + ":" + formatStep(b.Bucket)
	}
	return b.Name
}

func (f StatsFunc) String() string {
	var args string
	switch {
	case f.Name == "quantile":
		args = formatPhi(f.Phi) + ", " + f.Field
	default:
		args = f.Field
	}
	s := f.Name + "(" + args + ")"
	if f.As != "" {
		s += " as " + f.As
	}
	return s
}

func (p *TopPipe) String() string {
	return "top " + strconv.Itoa(p.N) + " by (" + joinFields(p.By) + ")"
}

func (p *UniqPipe) String() string { return "uniq by (" + joinFields(p.By) + ")" }

func (p *HistogramPipe) String() string { return "histogram " + formatStep(p.Step) }

func (p *FilterPipe) String() string { return "filter " + p.X.String() }

func (p *UnpackPipe) String() string { return "unpack_" + p.Format + fromString(p.From) }

func (p *ExtractPipe) String() string {
	kw := "extract "
	if p.Regexp {
		kw = "extract_regexp "
	}
	return kw + quote(p.Pattern) + fromString(p.From)
}

func (p *FieldNamesPipe) String() string { return "field_names" }

func (p *FieldValuesPipe) String() string { return "field_values " + p.Field.Name }

func fromString(from string) string {
	if from == "" {
		return ""
	}
	return " from " + from
}

// formatPhi prints a quantile's phi as parsing reads it back.
func formatPhi(phi float64) string { return strconv.FormatFloat(phi, 'f', -1, 64) }

// stepUnits are the units formatStep writes, largest first.
var stepUnits = []struct {
	unit string
	d    time.Duration
}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}, {"ms", time.Millisecond}}

// formatStep prints a bucket step as parseDuration reads it back: "5m",
// "1h30m". Steps are whole milliseconds (parseDuration's smallest unit).
func formatStep(d time.Duration) string {
	var b strings.Builder
	for _, u := range stepUnits {
		if n := d / u.d; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.unit)
			d -= n * u.d
		}
	}
	return b.String()
}

package query

import (
	"strconv"
	"strings"
	"unicode"
)

// This file prints the AST back as query text. The contract, as in promql:
// String returns text that parses back to the same node, ignoring positions.
// The printed form is canonical: one space between terms, juxtaposition for
// AND, "NOT" for '-', "limit" for "head", quotes only where needed.

func (q *Query) String() string {
	var b strings.Builder
	if q.Filter != nil {
		b.WriteString(q.Filter.String())
	}
	if q.Having != nil {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(q.Having.String())
	}
	for _, p := range q.Pipes {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("| ")
		b.WriteString(p.String())
	}
	return b.String()
}

func (h *Having) String() string { return "HAVING " + h.X.String() }

func (e *OrExpr) String() string {
	return operand(e.LHS, 1) + " OR " + operand(e.RHS, 2)
}

func (e *AndExpr) String() string {
	lhs := operand(e.LHS, 2)
	if e.slashParen() {
		// A '/' right before '(' closes no regex literal, but a space
		// after it would, and could turn the text from some earlier '/'
		// on into one. Keep the two tight as they were in the source
		// (FuzzParse found "/0/(0)", "/ /(0)" and "/ (/0/)").
		return lhs + e.RHS.String()
	}
	if l, ok := e.LHS.(*AndExpr); ok && l.slashParen() {
		// "/(…)" followed by a space reads as an unclosed regular
		// expression, so what followed it stood tight in the source
		// too: "/(0)/0" (FuzzParse).
		return lhs + operand(e.RHS, 3)
	}
	return lhs + " " + operand(e.RHS, 3)
}

// slashParen reports whether e is a word or value ending in '/' with a
// parenthesised group right after it in the source.
func (e *AndExpr) slashParen() bool {
	p, ok := e.RHS.(*ParenExpr)
	return ok && strings.HasSuffix(lastToken(e.LHS), "/") && p.Pos.Offset > 0 && p.Pos.Offset == lastTokenEnd(e.LHS)
}

// lastToken returns the word or bare value that e ends in as printed, or
// "" if it ends otherwise.
func lastToken(e Expr) string {
	for {
		switch x := e.(type) {
		case *AndExpr:
			e = x.RHS
		case *NotExpr:
			e = x.X
		case *WordExpr:
			return x.Word
		case *CompareExpr:
			return valueString(x.Value)
		default:
			return ""
		}
	}
}

// lastTokenEnd returns the offset just after the last token of e in the
// source, or -1 if e does not end in a word or bare value.
func lastTokenEnd(e Expr) int {
	for {
		switch x := e.(type) {
		case *AndExpr:
			e = x.RHS
		case *NotExpr:
			e = x.X
		case *WordExpr:
			return x.Pos.Offset + len(x.Word)
		case *CompareExpr:
			if valueString(x.Value) != x.Value {
				return -1
			}
			return x.ValuePos.Offset + len(x.Value)
		default:
			return -1
		}
	}
}

func (e *NotExpr) String() string { return "NOT " + operand(e.X, 3) }

func (e *ParenExpr) String() string { return "(" + e.X.String() + ")" }

func (e *WordExpr) String() string { return e.Word }

func (e *PhraseExpr) String() string { return quote(e.Text) }

func (e *RegexpExpr) String() string { return regexLiteral(e.Pattern) }

func (e *CompareExpr) String() string {
	return e.Field + e.Op.String() + valueString(e.Value)
}

func (e *MatchAllExpr) String() string { return "*" }

// precedence returns the binding strength of e: 1 for OR, 2 for AND, 3 for
// everything else.
func precedence(e Expr) int {
	switch e.(type) {
	case *OrExpr:
		return 1
	case *AndExpr:
		return 2
	}
	return 3
}

// operand prints e where an operand of binding strength min is expected,
// in parentheses if it binds less tightly. Parsed trees never need the
// parentheses added here: the parser keeps the source's parentheses as
// ParenExpr and builds binary nodes leaning left, so a right operand is never
// a binary node of the same strength. They keep hand-built trees such as
// And(a, And(b, c)) or Not(Or(a, b)) printing as what they mean.
func operand(e Expr, min int) string {
	if precedence(e) < min {
		return "(" + e.String() + ")"
	}
	return e.String()
}

// valueString prints a comparison value, quoting it unless it is a non-empty
// run of characters the lexer reads as one bare value.
func valueString(v string) string {
	if v == "" || strings.ContainsAny(v, `"()|`) || strings.IndexFunc(v, unicode.IsSpace) >= 0 {
		return quote(v)
	}
	return v
}

func (p *SortPipe) String() string {
	var b strings.Builder
	b.WriteString("sort by ")
	for i, k := range p.Keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.String())
	}
	return b.String()
}

func (k SortKey) String() string {
	if k.Desc {
		return k.Field + " desc"
	}
	return k.Field
}

func (p *LimitPipe) String() string   { return "limit " + strconv.Itoa(p.N) }
func (p *OffsetPipe) String() string  { return "offset " + strconv.Itoa(p.N) }
func (p *ContextPipe) String() string { return "context " + strconv.Itoa(p.N) }

func (p *CountPipe) String() string {
	if len(p.By) == 0 {
		return "count"
	}
	return "count by " + joinFields(p.By)
}

func (p *FieldsPipe) String() string { return "fields " + joinFields(p.Fields) }

func (f FieldRef) String() string { return f.Name }

func joinFields(fs []FieldRef) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

package index

import (
	"regexp"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Query selects documents. The concrete types are Term, Prefix, Glob,
// TimeOverlap, And, Or and All.
type Query interface {
	bleveQuery() query.Query
}

// Term matches documents whose Field holds Term exactly.
type Term struct{ Field, Term string }

// Prefix matches documents whose Field holds a term starting with Prefix.
type Prefix struct{ Field, Prefix string }

// Glob matches documents whose Field holds a term matching Pattern, where
// '*' matches any run of characters.
type Glob struct{ Field, Pattern string }

// TimeOverlap matches documents whose time span overlaps [Since, Until)
// (Unix ns, 0 = open).
type TimeOverlap struct{ Since, Until int64 }

// And matches documents matching all of its queries.
type And []Query

// Or matches documents matching any of its queries. An empty Or matches
// nothing.
type Or []Query

// All matches every document.
type All struct{}

func (q Term) bleveQuery() query.Query {
	t := bleve.NewTermQuery(q.Term)
	t.SetField(q.Field)
	return t
}

func (q Prefix) bleveQuery() query.Query {
	p := bleve.NewPrefixQuery(q.Prefix)
	p.SetField(q.Field)
	return p
}

func (q Glob) bleveQuery() query.Query {
	parts := strings.Split(q.Pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	// (?s): "." must match a newline too; job names and label values may
	// hold any byte.
	r := bleve.NewRegexpQuery("(?s)" + strings.Join(parts, ".*"))
	r.SetField(q.Field)
	return r
}

func (q TimeOverlap) bleveQuery() query.Query {
	var cs []query.Query
	yes := true
	if q.Since != 0 {
		// The block's end is at or after Since.
		min := float64(floorSec(q.Since))
		r := bleve.NewNumericRangeInclusiveQuery(&min, nil, &yes, nil)
		r.SetField(FieldMaxT)
		cs = append(cs, r)
	}
	if q.Until != 0 {
		// The block's start is before Until (inclusive in whole seconds).
		max := float64(ceilSec(q.Until))
		r := bleve.NewNumericRangeInclusiveQuery(nil, &max, nil, &yes)
		r.SetField(FieldMinT)
		cs = append(cs, r)
	}
	if len(cs) == 0 {
		return bleve.NewMatchAllQuery()
	}
	return bleve.NewConjunctionQuery(cs...)
}

func (q And) bleveQuery() query.Query {
	if len(q) == 0 {
		return bleve.NewMatchAllQuery()
	}
	cs := make([]query.Query, len(q))
	for i, c := range q {
		cs[i] = c.bleveQuery()
	}
	return bleve.NewConjunctionQuery(cs...)
}

func (q Or) bleveQuery() query.Query {
	if len(q) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	cs := make([]query.Query, len(q))
	for i, c := range q {
		cs[i] = c.bleveQuery()
	}
	return bleve.NewDisjunctionQuery(cs...)
}

func (All) bleveQuery() query.Query { return bleve.NewMatchAllQuery() }

package query

import (
	"fmt"
	"strconv"
	"strings"
)

// Tree returns an indented dump of the tree under n, one node per line with
// its position, for tests and debugging:
//
//	Query
//	  And 1:1
//	    Word "timeout" 1:1
//	    Compare level >= "Warn" 1:9 (value 1:15)
//	  Count 1:22
//	    By job 1:31
func Tree(n Node) string {
	var b strings.Builder
	dump(&b, n, 0, true)
	return b.String()
}

// treeNoPos is Tree without positions, for comparing trees modulo
// positions.
func treeNoPos(n Node) string {
	var b strings.Builder
	dump(&b, n, 0, false)
	return b.String()
}

func dump(b *strings.Builder, n Node, depth int, withPos bool) {
	line := func(depth int, pos *Position, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", depth))
		fmt.Fprintf(b, format, args...)
		if withPos && pos != nil {
			fmt.Fprintf(b, " %d:%d", pos.Line, pos.Column)
		}
		b.WriteByte('\n')
	}
	pos := n.Position()
	switch n := n.(type) {
	case *Query:
		line(depth, nil, "Query")
	case *Having:
		line(depth, &pos, "Having")
	case *OrExpr:
		line(depth, &pos, "Or")
	case *AndExpr:
		line(depth, &pos, "And")
	case *NotExpr:
		line(depth, &pos, "Not")
	case *ParenExpr:
		line(depth, &pos, "Paren")
	case *WordExpr:
		line(depth, &pos, "Word %s", strconv.Quote(n.Word))
	case *PhraseExpr:
		line(depth, &pos, "Phrase %s", strconv.Quote(n.Text))
	case *RegexpExpr:
		line(depth, &pos, "Regexp %s", strconv.Quote(n.Pattern))
	case *MatchAllExpr:
		line(depth, &pos, "MatchAll")
	case *CompareExpr:
		vp := ""
		if withPos {
			vp = fmt.Sprintf(" (value %d:%d)", n.ValuePos.Line, n.ValuePos.Column)
		}
		line(depth, &pos, "Compare %s %s %s%s", n.Field, n.Op, strconv.Quote(n.Value), vp)
		return
	case *SortPipe:
		line(depth, &pos, "Sort")
		for _, k := range n.Keys {
			dir := "asc"
			if k.Desc {
				dir = "desc"
			}
			line(depth+1, &k.Pos, "Key %s %s", k.Field, dir)
		}
	case *LimitPipe:
		line(depth, &pos, "Limit %d", n.N)
	case *OffsetPipe:
		line(depth, &pos, "Offset %d", n.N)
	case *ContextPipe:
		line(depth, &pos, "Context %d", n.N)
	case *CountPipe:
		line(depth, &pos, "Count")
		for _, f := range n.By {
			line(depth+1, &f.Pos, "By %s", f.Name)
		}
	case *FieldsPipe:
		line(depth, &pos, "Fields")
		for _, f := range n.Fields {
			line(depth+1, &f.Pos, "Field %s", f.Name)
		}
	case *RangeExpr:
		line(depth, &pos, "Range %s %s", n.Field, strings.TrimPrefix(n.String(), n.Field+":"))
	case *InExpr:
		line(depth, &pos, "In %s %s", n.Field, strconv.Quote(strings.Join(n.Values, "\x00")))
	case *StatsPipe:
		line(depth, &pos, "Stats")
		for _, b := range n.By {
			line(depth+1, &b.Pos, "By %s", b)
		}
		for _, f := range n.Funcs {
			line(depth+1, &f.Pos, "Func %s column %s", f, f.Column())
		}
	case *TopPipe:
		line(depth, &pos, "Top %d", n.N)
		for _, f := range n.By {
			line(depth+1, &f.Pos, "By %s", f.Name)
		}
	case *UniqPipe:
		line(depth, &pos, "Uniq")
		for _, f := range n.By {
			line(depth+1, &f.Pos, "By %s", f.Name)
		}
	case *FieldValuesPipe:
		line(depth, &pos, "FieldValues %s", n.Field.Name)
	case *HistogramPipe, *FilterPipe, *UnpackPipe, *ExtractPipe, *FieldNamesPipe:
		kind := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", n), "*query."), "Pipe")
		line(depth, &pos, "%s %s", kind, strconv.Quote(n.String()))
	default:
		line(depth, &pos, "%T", n)
	}
	for _, c := range Children(n) {
		dump(b, c, depth+1, withPos)
	}
}

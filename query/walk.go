package query

// Children returns the direct children of n in source order: the operands of
// an expression, the filter and pipes of a query, nothing for leaves.
func Children(n Node) []Node {
	switch n := n.(type) {
	case *Query:
		var out []Node
		if n.Filter != nil {
			out = append(out, n.Filter)
		}
		if n.Having != nil {
			out = append(out, n.Having)
		}
		for _, p := range n.Pipes {
			out = append(out, p)
		}
		return out
	case *OrExpr:
		return []Node{n.LHS, n.RHS}
	case *AndExpr:
		return []Node{n.LHS, n.RHS}
	case *NotExpr:
		return []Node{n.X}
	case *ParenExpr:
		return []Node{n.X}
	case *Having:
		return []Node{n.X}
	case *FilterPipe:
		return []Node{n.X}
	}
	return nil
}

// Inspect walks the tree under n in depth-first order, as go/ast.Inspect
// does: it calls f(n), and if that returns true, Inspect visits the children
// of n, then calls f(nil).
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	for _, c := range Children(n) {
		Inspect(c, f)
	}
	f(nil)
}

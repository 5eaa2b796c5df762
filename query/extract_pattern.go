package query

import (
	"fmt"
	"strings"
)

// A pattern is the text of "| extract": literal text with named holes,
// "took <ms>ms", where <_> matches text that is not kept. As in LogsQL, the
// text before the first hole is searched for anywhere in the input; each
// hole then takes the text up to the next literal part, and a hole at the
// end takes the rest.
type pattern struct {
	lits  []string // lits[i] comes before holes[i]; one more than holes
	holes []string
}

// parsePattern reads an extract pattern.
func parsePattern(s string) (*pattern, error) {
	p := &pattern{}
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			p.lits = append(p.lits, s)
			return p, nil
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return nil, fmt.Errorf("%q opens a hole that no '>' closes", s[i:])
		}
		name := s[i+1 : i+j]
		if name == "" || strings.ContainsAny(name, " <") {
			return nil, fmt.Errorf("bad hole <%s>: a hole holds a field name, or _ to skip text", name)
		}
		if len(p.holes) > 0 && i == 0 {
			return nil, fmt.Errorf("holes <%s> and <%s> need text between them", p.holes[len(p.holes)-1], name)
		}
		p.lits = append(p.lits, s[:i])
		p.holes = append(p.holes, name)
		s = s[i+j+1:]
	}
}

// names returns the fields the pattern extracts, in order.
func (p *pattern) names() []string {
	var out []string
	for _, h := range p.holes {
		if h != "_" {
			out = append(out, h)
		}
	}
	return out
}

// match matches the pattern against s and calls fn with each named hole's
// text. It reports whether the whole pattern matched; fn is called only
// then.
func (p *pattern) match(s string, fn func(name, value string)) bool {
	if p.lits[0] != "" {
		i := strings.Index(s, p.lits[0])
		if i < 0 {
			return false
		}
		s = s[i+len(p.lits[0]):]
	}
	vals := make([]string, len(p.holes))
	for k := range p.holes {
		lit := p.lits[k+1]
		if lit == "" { // the last hole: the rest
			vals[k], s = s, ""
			continue
		}
		i := strings.Index(s, lit)
		if i < 0 {
			return false
		}
		vals[k], s = s[:i], s[i+len(lit):]
	}
	for k, h := range p.holes {
		if h != "_" {
			fn(h, vals[k])
		}
	}
	return true
}

package engine

import (
	"regexp"
	"regexp/syntax"
)

// minRegexpLiteral is the shortest literal of a regexp worth looking for
// before the regexp runs.
const minRegexpLiteral = 3

// phrases returns phrase filters that every message matching f also
// matches: the ASCII literals of at least minRegexpLiteral bytes that each
// match of the regexp contains as written. A phrase matches whatever case,
// so it holds a fortiori. With them the index narrows a regexp's search as
// it does a phrase's, a block whose messages hold none of a literal is not
// checked line by line, and the regexp runs only on the lines that hold
// the longest literal.
func (f RegexpFilter) phrases() []PhraseFilter {
	var out []PhraseFilter
	for _, l := range regexpLiterals(f.Regexp) {
		out = append(out, PhraseFilter{Text: l})
	}
	return out
}

// regexpLiterals returns the case-sensitive ASCII literals of at least
// minRegexpLiteral bytes that every match of re contains.
func regexpLiterals(re *regexp.Regexp) []string {
	if re == nil {
		return nil
	}
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	var out []string
	var walk func(t *syntax.Regexp)
	walk = func(t *syntax.Regexp) {
		switch t.Op {
		case syntax.OpLiteral:
			if t.Flags&syntax.FoldCase != 0 {
				return // (?i): a phrase folds only ASCII, the regexp more
			}
			s := string(t.Rune)
			if len(s) >= minRegexpLiteral && isASCII(s) {
				out = append(out, s)
			}
		case syntax.OpConcat:
			for _, s := range t.Sub {
				walk(s)
			}
		case syntax.OpCapture, syntax.OpPlus:
			walk(t.Sub[0])
		case syntax.OpRepeat:
			if t.Min >= 1 {
				walk(t.Sub[0])
			}
		}
	}
	walk(t)
	return out
}

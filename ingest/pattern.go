package ingest

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/logdb/logdb/engine"
)

// grokPatterns are the named patterns Options.Pattern may use as
// %{NAME} or %{NAME:field}.
var grokPatterns = map[string]string{
	"TIMESTAMP":         `\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?`,
	"TIMESTAMP_ISO8601": `\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?`,
	"SYSLOGTIMESTAMP":   `[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d`,
	"HTTPDATE":          `\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}`,
	"DATE":              `\d{1,4}[-/.]\d\d?[-/.]\d{1,4}`,
	"TIME":              `\d\d:\d\d(?::\d\d(?:[.,:]\d+)?)?`,
	"LEVEL":             `[A-Za-z]+`,
	"LOGLEVEL":          `[A-Za-z]+`,
	"WORD":              `\w+`,
	"NOTSPACE":          `\S+`,
	"SPACE":             `\s*`,
	"DATA":              `.*?`,
	"GREEDYDATA":        `.*`,
	"INT":               `[+-]?\d+`,
	"NUMBER":            `[+-]?\d+(?:\.\d+)?`,
	"IP":                `\d{1,3}(?:\.\d{1,3}){3}`,
	"HOSTNAME":          `[A-Za-z0-9][A-Za-z0-9.-]*`,
	"QUOTEDSTRING":      `"(?:[^"\\]|\\.)*"`,
}

// GrokPatternNames returns the names of the built-in %{NAME} patterns,
// sorted, for help texts.
func GrokPatternNames() []string {
	names := make([]string, 0, len(grokPatterns))
	for n := range grokPatterns {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// A pattern is a compiled Options.Pattern: a regexp whose groups time,
// level and msg give the entry's time, level and message, and whose other
// named groups become labels.
type pattern struct {
	re               *regexp.Regexp
	time, level, msg int // group indexes, 0 when absent
	labels           []patternLabel
}

// patternLabel is a named group that becomes a label.
type patternLabel struct {
	name  string
	group int
}

// compilePattern compiles the text of Options.Pattern: a Go regexp with
// named groups, in which %{NAME} and %{NAME:field} stand for the built-in
// patterns (grokPatterns), the second as a group named field.
func compilePattern(src string) (*pattern, error) {
	expr, starts, err := expandGrok(src)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, regexpError(src, expr, starts, err)
	}
	p := &pattern{re: re}
	for i, name := range re.SubexpNames() {
		switch name {
		case "":
		case "time":
			p.time = i
		case "level":
			p.level = i
		case "msg":
			p.msg = i
		default:
			p.labels = append(p.labels, patternLabel{name, i})
		}
	}
	if p.time == 0 && p.level == 0 && p.msg == 0 && len(p.labels) == 0 {
		return nil, &SyntaxError{Flag: "--pattern", Text: src, Pos: 0,
			Msg: "no named group: name one (?P<time>…), (?P<level>…), (?P<msg>…) or %{NAME:field}"}
	}
	slices.SortFunc(p.labels, func(a, b patternLabel) int { return strings.Compare(a.name, b.name) })
	return p, nil
}

// expandGrok replaces each %{NAME} and %{NAME:field} of src with its
// regexp. starts maps offsets of the result back to src: starts[i] is the
// offset in src of the piece that begins at result offset i, for every
// piece.
func expandGrok(src string) (string, []span, error) {
	var b strings.Builder
	var starts []span // off: offset in the result, end: offset in src
	for i := 0; i < len(src); {
		j := strings.Index(src[i:], "%{")
		if j < 0 {
			starts = append(starts, span{b.Len(), i})
			b.WriteString(src[i:])
			break
		}
		starts = append(starts, span{b.Len(), i})
		b.WriteString(src[i : i+j])
		at := i + j
		end := strings.IndexByte(src[at:], '}')
		if end < 0 {
			return "", nil, &SyntaxError{Flag: "--pattern", Text: src, Pos: at, Msg: "%{ without a closing }"}
		}
		name, field, hasField := strings.Cut(src[at+2:at+end], ":")
		re, ok := grokPatterns[name]
		if !ok {
			return "", nil, &SyntaxError{Flag: "--pattern", Text: src, Pos: at + 2,
				Msg: "unknown pattern " + quoteName(name) + " (known: " + strings.Join(GrokPatternNames(), ", ") + ")"}
		}
		starts = append(starts, span{b.Len(), at})
		if hasField {
			if !validGroupName(field) {
				return "", nil, &SyntaxError{Flag: "--pattern", Text: src, Pos: at + 3 + len(name),
					Msg: "bad field name " + quoteName(field) + " (letters, digits and _)"}
			}
			b.WriteString("(?P<" + field + ">" + re + ")")
		} else {
			b.WriteString("(?:" + re + ")")
		}
		i = at + end + 1
	}
	return b.String(), starts, nil
}

// quoteName returns s in quotes, or "(empty)".
func quoteName(s string) string {
	if s == "" {
		return "(empty)"
	}
	return `"` + s + `"`
}

// validGroupName reports whether s can name a regexp group.
func validGroupName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range []byte(s) {
		if !(isAlpha(c) || c == '_' || i > 0 && isDigit(c)) {
			return false
		}
	}
	return true
}

// regexpError turns an error of regexp.Compile on expr, expanded from src,
// into a SyntaxError at the position in src of the expression it names.
func regexpError(src, expr string, starts []span, err error) error {
	msg, pos := err.Error(), 0
	var se *syntax.Error
	if errors.As(err, &se) {
		msg = string(se.Code)
		if se.Expr != "" {
			msg += " " + quoteExpr(se.Expr)
		}
		switch i := strings.Index(expr, se.Expr); {
		case se.Code == syntax.ErrMissingParen || se.Code == syntax.ErrTrailingBackslash:
			pos = len(src)
		case se.Expr != "" && i >= 0:
			pos = toSource(starts, i)
		}
	}
	return &SyntaxError{Flag: "--pattern", Text: src, Pos: pos, Msg: msg}
}

// toSource maps offset i of an expanded pattern onto its source.
func toSource(starts []span, i int) int {
	pos := 0
	for _, s := range starts {
		if s.off > i {
			break
		}
		pos = s.end + (i - s.off)
	}
	return pos
}

// quoteExpr quotes a short expression for an error message.
func quoteExpr(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "`" + s + "`"
}

// match applies the pattern to line. It returns false when the line does
// not match.
func (p *pattern) match(r *Reader, line []byte, e *engine.Entry) (hasTime, hasLevel, ok bool) {
	m := p.re.FindSubmatchIndex(line)
	if m == nil {
		return false, false, false
	}
	group := func(i int) ([]byte, bool) {
		if i == 0 || m[2*i] < 0 {
			return nil, false
		}
		return line[m[2*i]:m[2*i+1]], true
	}
	if tb, ok := group(p.time); ok {
		var t int64
		if t, hasTime = r.parseTimeText(tb); hasTime {
			e.Time = r.lineTime(t, true)
		}
	}
	if lb, ok := group(p.level); ok {
		if lvl, ok := engine.ParseLevel(string(lb)); ok {
			e.Level, hasLevel = lvl, true
		}
	}
	if mb, ok := group(p.msg); ok {
		e.Message = r.arena.string(mb)
	}
	n := 0
	if hasLevel {
		n++
	}
	for _, l := range p.labels {
		if _, ok := group(l.group); ok {
			n++
		}
	}
	if n > 0 {
		ls := r.arena.labelSlice(n)[:0]
		lvlText, _ := group(p.level)
		added := !hasLevel
		for _, l := range p.labels {
			if !added && LevelTextLabel < l.name {
				ls = append(ls, engine.Label{Name: LevelTextLabel, Value: r.arena.string(lvlText)})
				added = true
			}
			if v, ok := group(l.group); ok && l.name != LevelTextLabel {
				ls = append(ls, engine.Label{Name: l.name, Value: r.arena.string(v)})
			}
		}
		if !added {
			ls = append(ls, engine.Label{Name: LevelTextLabel, Value: r.arena.string(lvlText)})
		}
		e.Labels = ls[:len(ls):len(ls)]
	}
	return hasTime, hasLevel, true
}

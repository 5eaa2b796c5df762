package query

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// The lexer is written by hand rather than with participle's lexer.MustSimple
// rules because three of the filter language's rules depend on context that a
// regular expression cannot see:
//
//   - a regex literal /…/ ends at the first unescaped '/' that is followed by
//     whitespace, ')', '|' or the end of the query (RE2 has no lookahead), and
//     a '/' with no such closer starts an ordinary word such as /api/v1/users
//     (regexLen has the details), unless it is a regex gone wrong, which
//     is an error (unclosedRegex in regexerr.go);
//   - '-' negates only at the start of a term and only when a term follows at
//     once ("-x", "-(…)", "-\"…\"", "-/re/"), so "job-52b3", "->" and "- x"
//     stay words;
//   - "name=value" is a comparison only when a bare field name is followed at
//     once by an operator; everything after the operator up to whitespace or
//     one of ()| is the value, so "since=2025-03-20T00:00:00Z" and
//     "tz=Asia/Shanghai" are one value.
//
// After the first '|' the lexer switches to pipe mode, where ',' separates
// names and nothing else is special.
//
// The token types are the symbols below; the grammar in grammar.go refers to
// them by name.

// Token types.
const (
	tokEOF     = lexer.EOF
	tokKeyword = -(iota + 2) // AND OR NOT HAVING
	tokMinus                 // '-' negating the term that follows
	tokLParen                // (
	tokRParen                // )
	tokPipe                  // |
	tokComma                 // , (pipe mode only)
	tokWord                  // a bare word
	tokString                // "…" with its quotes and escapes
	tokRegex                 // /…/ with its slashes and escapes
	tokField                 // a field name directly followed by an operator
	tokOp                    // = != < <= > >=
	tokValue                 // the bare value after an operator
	tokRange                 // :[lo, hi] after a field name, '(' or ')' for open ends
	tokIn                    // in (a, b, …) after a field name and a space
)

var symbols = map[string]lexer.TokenType{
	"EOF":     tokEOF,
	"Keyword": tokKeyword,
	"Minus":   tokMinus,
	"LParen":  tokLParen,
	"RParen":  tokRParen,
	"Pipe":    tokPipe,
	"Comma":   tokComma,
	"Word":    tokWord,
	"String":  tokString,
	"Regex":   tokRegex,
	"Field":   tokField,
	"Op":      tokOp,
	"Value":   tokValue,
	"Range":   tokRange,
	"In":      tokIn,
}

// lexDef is the participle lexer.Definition of the filter language. It
// carries the symbol table as a field so that package initialisation orders
// symbols before the parser built from it.
type lexDef struct{ symbols map[string]lexer.TokenType }

var _ lexer.StringDefinition = lexDef{}

func (d lexDef) Symbols() map[string]lexer.TokenType { return d.symbols }

func (d lexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

func (lexDef) LexString(filename string, src string) (lexer.Lexer, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &tokenList{toks: toks}, nil
}

// tokenList replays the tokens of a query.
type tokenList struct {
	toks []lexer.Token
	i    int
}

func (l *tokenList) Next() (lexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}

// lexError is a lexical error; it satisfies participle.Error.
type lexError struct {
	pos lexer.Position
	msg string
}

func (e *lexError) Error() string            { return e.msg }
func (e *lexError) Message() string          { return e.msg }
func (e *lexError) Position() lexer.Position { return e.pos }

// scanner holds the state of lexing one query.
type scanner struct {
	src    string
	off    int // byte offset of the next character
	line   int // 1-based line of off
	col    int // 1-based column (in runes) of off
	toks   []lexer.Token
	inPipe bool
	// filterPipe: the lexer is in filter mode for the expression of a
	// "| filter" pipe, where an operator may stand between spaces
	// ("count > 10") as it does in LogsQL and SQL.
	filterPipe bool
	depth      int // open parentheses
	nots       int // prefix operators (NOT, -) in a row
}

// maxDepth bounds the nesting of parentheses and of prefix operators in a
// row, so that the recursive descent parser and printer cannot be made to
// use unbounded stack by a query from the network.
const maxDepth = 200

// lex splits src into tokens, ending with an EOF token.
func lex(src string) ([]lexer.Token, error) {
	s := &scanner{src: src, line: 1, col: 1}
	for {
		s.skipSpace()
		if s.off >= len(s.src) {
			s.toks = append(s.toks, lexer.EOFToken(s.pos()))
			return s.toks, nil
		}
		var err error
		if s.inPipe {
			err = s.pipeToken()
		} else {
			err = s.filterToken()
		}
		if err != nil {
			return nil, err
		}
		if err := s.checkDepth(); err != nil {
			return nil, err
		}
	}
}

// checkDepth tracks the nesting of the token just emitted.
func (s *scanner) checkDepth() error {
	t := s.toks[len(s.toks)-1]
	switch {
	case t.Type == tokLParen:
		s.depth++
	case t.Type == tokRParen:
		s.depth--
	case t.Type == tokMinus || t.Type == tokKeyword && t.Value == "NOT":
		s.nots++
	default:
		s.nots = 0
	}
	if s.depth > maxDepth || s.nots > maxDepth {
		return &lexError{pos: t.Pos, msg: fmt.Sprintf("query nested more than %d deep", maxDepth)}
	}
	return nil
}

func (s *scanner) pos() lexer.Position {
	return lexer.Position{Offset: s.off, Line: s.line, Column: s.col}
}

// advance moves past n bytes.
func (s *scanner) advance(n int) {
	for _, r := range s.src[s.off : s.off+n] {
		if r == '\n' {
			s.line++
			s.col = 1
		} else {
			s.col++
		}
	}
	s.off += n
}

// emit appends a token of n bytes at the current offset and moves past it.
func (s *scanner) emit(typ lexer.TokenType, n int) {
	s.toks = append(s.toks, lexer.Token{Type: typ, Value: s.src[s.off : s.off+n], Pos: s.pos()})
	s.advance(n)
}

func (s *scanner) errorf(msg string) error {
	return &lexError{pos: s.pos(), msg: msg}
}

func (s *scanner) skipSpace() {
	for s.off < len(s.src) {
		r, n := utf8.DecodeRuneInString(s.src[s.off:])
		if !unicode.IsSpace(r) {
			return
		}
		s.advance(n)
	}
}

// isSpaceAt reports whether src[i:] starts with whitespace.
func isSpaceAt(src string, i int) bool {
	r, _ := utf8.DecodeRuneInString(src[i:])
	return unicode.IsSpace(r)
}

// isDelim reports whether src[i:] starts with a character that ends a word
// or value in filter mode: whitespace, '(', ')' or '|'.
func isDelim(src string, i int) bool {
	switch src[i] {
	case '(', ')', '|':
		return true
	}
	return isSpaceAt(src, i)
}

// endsRegex reports whether a '/' at src[i-1] closes a regex literal: it is
// followed by whitespace, ')', '|' or the end.
func endsRegex(src string, i int) bool {
	if i >= len(src) {
		return true
	}
	switch src[i] {
	case ')', '|':
		return true
	}
	return isSpaceAt(src, i)
}

// bareLen returns the length of the bare word or value at src[i:]. In pipe
// mode ',' and '"' end it too.
func bareLen(src string, i int, inPipe bool) int {
	j := i
	for j < len(src) && !isDelim(src, j) {
		if inPipe && (src[j] == ',' || src[j] == '"') {
			break
		}
		_, n := utf8.DecodeRuneInString(src[j:])
		j += n
	}
	return j - i
}

// stringLen returns the length of the quoted string at src[i:], which starts
// with '"', or -1 if it is not terminated. A backslash escapes the character
// after it.
func stringLen(src string, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"':
			return j + 1 - i
		}
	}
	return -1
}

// regexLen returns the length of the regex literal at src[i:], which starts
// with '/', or -1 if there is none and the '/' starts a word.
//
// The literal ends at the first unescaped '/' after a non-empty body that is
// followed by whitespace, ')', '|' or the end and stands outside any
// parentheses of the body. A backslash escapes the character after it,
// unless that is whitespace (RE2 has no "\ " anyway, and the printer
// collapses whitespace between tokens, which must not change what a
// backslash pairs with). Three more rules keep words that start with '/'
// from running into later text:
//
//   - a body with whitespace in it must escape every '/' inside it, so that
//     "/api/v1/users /time(d)?out/" is a word and a regex, and "/tmp" a word;
//   - an unescaped ')' that closes no '(' of the body (outside a character
//     class) ends the scan: "(/tmp) x/" is a group holding the word /tmp;
//   - the closing '/' must not stand inside parentheses of the body.
//
// FuzzParse found the cases that shaped these rules; see roundTripInputs.
func regexLen(src string, i int) int {
	sawSlash, sawSpace := false, false
	depth := 0  // open parentheses of the body
	class := -1 // offset of the '[' of the character class we are in, or -1
	for j := i + 1; j < len(src); j++ {
		k, plain := regexStep(src, j, &class)
		if k != j {
			j = k // an escape
			continue
		}
		c := src[j]
		switch {
		case plain && c == '(':
			depth++
		case plain && c == ')':
			if depth == 0 {
				return -1
			}
			depth--
		}
		switch {
		case c == '/' && class < 0 && depth == 0 && j > i+1 && endsRegex(src, j+1):
			return j + 1 - i
		case c == '/':
			if sawSpace {
				return -1
			}
			sawSlash = true
		case isSpaceAt(src, j):
			if sawSlash {
				return -1
			}
			sawSpace = true
		}
	}
	return -1
}

// regexStep reads src[j] of a regex body as regexLen does: a backslash
// escapes the byte after it unless that is whitespace, and a '[' opens a
// character class that the next ']' ends, except first ("[]" and "[^]"
// hold a ']'). It returns the offset of the last byte read, j+1 for an
// escape, and whether src[j] stands outside escapes and classes, where
// '(' and ')' group. class is the offset of the open class's '[', or -1.
func regexStep(src string, j int, class *int) (int, bool) {
	c := src[j]
	switch {
	case c == '\\' && j+1 < len(src) && !isSpaceAt(src, j+1):
		return j + 1, false
	case *class >= 0:
		if c == ']' && j > *class+1 && !(j == *class+2 && src[*class+1] == '^') {
			*class = -1
		}
		return j, false
	case c == '[':
		*class = j
		return j, false
	}
	return j, true
}

// nameLen returns the length of the field name at src[i:], or 0.
func nameLen(src string, i int) int {
	j := i
	for j < len(src) {
		c := src[j]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || j > i && ('0' <= c && c <= '9' || c == '.') {
			j++
			continue
		}
		break
	}
	return j - i
}

// opLen returns the length of the comparison operator at src[i:], or 0.
func opLen(src string, i int) int {
	if i >= len(src) {
		return 0
	}
	switch src[i] {
	case '=':
		return 1
	case '!':
		if i+1 < len(src) && src[i+1] == '=' {
			return 2
		}
	case '<', '>':
		if i+1 < len(src) && src[i+1] == '=' {
			return 2
		}
		return 1
	}
	return 0
}

// startsTerm reports whether a '-' followed by src[i:] negates: the next
// character is a letter, a digit, '_', '"', '(' or '/'.
func startsTerm(src string, i int) bool {
	if i >= len(src) {
		return false
	}
	switch src[i] {
	case '_', '"', '(', '/':
		return true
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (s *scanner) filterToken() error {
	src, i := s.src, s.off
	switch src[i] {
	case '(':
		s.emit(tokLParen, 1)
		return nil
	case ')':
		s.emit(tokRParen, 1)
		return nil
	case '|':
		s.emit(tokPipe, 1)
		s.inPipe, s.filterPipe = true, false
		return nil
	case '"':
		n := stringLen(src, i)
		if n < 0 {
			return s.errorf("unterminated quoted string")
		}
		s.emit(tokString, n)
		return nil
	case '/':
		if n := regexLen(src, i); n > 0 {
			s.emit(tokRegex, n)
			return nil
		}
		if off, msg, bad := unclosedRegex(src, i); bad {
			p := advancePos(src, position(s.pos()), off-i)
			return &lexError{pos: lexer.Position{Offset: p.Offset, Line: p.Line, Column: p.Column}, msg: msg}
		}
	case '-':
		if startsTerm(src, i+1) {
			s.emit(tokMinus, 1)
			return nil
		}
	}
	if n := nameLen(src, i); n > 0 {
		if ok, err := s.fieldTerm(n); ok || err != nil {
			return err
		}
	}
	n := bareLen(src, i, false)
	switch src[i : i+n] {
	case "AND", "OR", "NOT", "HAVING":
		s.emit(tokKeyword, n)
	default:
		s.emit(tokWord, n)
	}
	return nil
}

// fieldTerm lexes a term that starts with the field name of n bytes at the
// current offset, if one does: "name op value" (the operator directly after
// the name, or between spaces in a filter pipe), "name:[lo, hi]" or
// "name in (a, b)". It reports whether it lexed one.
func (s *scanner) fieldTerm(n int) (bool, error) {
	src, i := s.src, s.off
	j := i + n
	if s.filterPipe {
		j = skipSpaces(src, j)
	}
	if opLen(src, j) > 0 {
		s.emit(tokField, n)
		s.skipSpace()
		s.emit(tokOp, opLen(src, s.off))
		if s.filterPipe {
			s.skipSpace()
		}
		return true, s.value()
	}
	if strings.HasPrefix(src[i+n:], ":[") || strings.HasPrefix(src[i+n:], ":(") {
		m := rangeLen(src, i+n)
		if m < 0 {
			s.advance(n)
			return true, s.errorf(`unterminated range (want name:[low, high], with "(" or ")" for an open end)`)
		}
		s.emit(tokField, n)
		s.emit(tokRange, m)
		return true, nil
	}
	if k := skipSpaces(src, i+n); k > i+n && strings.HasPrefix(src[k:], "in") {
		if l := skipSpaces(src, k+2); l < len(src) && src[l] == '(' {
			m := listLen(src, l)
			if m < 0 {
				s.advance(l - i)
				return true, s.errorf("unterminated in (…) list")
			}
			s.emit(tokField, n)
			s.skipSpace()
			s.emit(tokIn, l+m-s.off)
			return true, nil
		}
	}
	return false, nil
}

// skipSpaces returns the offset of the first non-space at or after src[i:].
func skipSpaces(src string, i int) int {
	for i < len(src) && isSpaceAt(src, i) {
		_, n := utf8.DecodeRuneInString(src[i:])
		i += n
	}
	return i
}

// rangeLen returns the length of the range ":[lo, hi]" at src[i:], which
// starts with ":[" or ":(", up to its closing ']' or ')', or -1 if there is
// none before a '|'.
func rangeLen(src string, i int) int {
	j := strings.IndexAny(src[i:], "])|")
	if j < 0 || src[i+j] == '|' {
		return -1
	}
	return j + 1
}

// listLen returns the length of the list "(a, "b c", …)" at src[i:], which
// starts with '(', up to its ')' outside quotes, or -1 if there is none.
func listLen(src string, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '"':
			n := stringLen(src, j)
			if n < 0 {
				return -1
			}
			j += n - 1
		case ')':
			return j + 1 - i
		}
	}
	return -1
}

// value lexes the value after an operator: a quoted string or a bare value.
func (s *scanner) value() error {
	src, i := s.src, s.off
	if i < len(src) && src[i] == '"' {
		n := stringLen(src, i)
		if n < 0 {
			return s.errorf("unterminated quoted string")
		}
		s.emit(tokString, n)
		return nil
	}
	n := bareLen(src, i, false)
	if n == 0 {
		f := s.toks[len(s.toks)-2].Value + s.toks[len(s.toks)-1].Value
		return s.errorf("missing value after " + f + ` (use "" for an empty value)`)
	}
	s.emit(tokValue, n)
	return nil
}

func (s *scanner) pipeToken() error {
	src, i := s.src, s.off
	switch src[i] {
	case '(':
		s.emit(tokLParen, 1)
	case ')':
		s.emit(tokRParen, 1)
	case '|':
		s.emit(tokPipe, 1)
	case ',':
		s.emit(tokComma, 1)
	case '"':
		n := stringLen(src, i)
		if n < 0 {
			return s.errorf("unterminated quoted string")
		}
		s.emit(tokString, n)
	default:
		s.emit(tokWord, bareLen(src, i, true))
		if prev := len(s.toks) - 2; prev >= 0 && s.toks[prev].Type == tokPipe && s.toks[prev+1].Value == "filter" {
			// The expression of "| filter" is a filter, lexed as one.
			s.inPipe, s.filterPipe = false, true
		}
	}
	return nil
}

package query

import (
	"errors"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// This file says what is wrong with a regular expression, and where, for
// two kinds of mistake:
//
//   - a regex literal whose closing '/' the lexer could not take, because
//     it stands inside an open '(' or '[' of the body: "/a(b/", "/[/";
//   - a word that starts with '/' and holds regex syntax but has no closing
//     '/' at all: "/time(d)?out", "/[0-9]+".
//
// Words that start with '/' and hold no regex syntax, or hold more than one
// '/' (paths such as /tmp, /api/v1/users or /static/*.js), stay words.

// regexMeta are the characters that make a word starting with '/' look
// like an unclosed regular expression.
const regexMeta = "[(*+?{^$"

// slashWordLen returns the length of the text at src[i:], which starts
// with '/', that a regex literal would have been: up to whitespace, a '|'
// or an unmatched ')' outside a character class, or the end.
func slashWordLen(src string, i int) int {
	depth, class := 0, -1
	j := i + 1
	for ; j < len(src); j++ {
		if isSpaceAt(src, j) {
			return j - i
		}
		k, plain := regexStep(src, j, &class)
		if !plain {
			j = k
			continue
		}
		switch src[j] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return j - i
			}
			depth--
		case '|':
			if depth == 0 {
				return j - i
			}
		}
	}
	return j - i
}

// unclosedRegex reports whether the word at src[i:], which starts with '/'
// and is not a regex literal (regexLen returned -1), is a regular
// expression gone wrong. If so it returns the offset in src of the problem
// and what it is.
func unclosedRegex(src string, i int) (off int, msg string, bad bool) {
	n := slashWordLen(src, i)
	body := src[i+1 : i+n]
	if len(body) > 1 && body[len(body)-1] == '/' && !escapedAt(body, len(body)-1) {
		// The closing '/' is there but inside a group or class of the body.
		pattern := body[:len(body)-1]
		if at, what, ok := regexProblem(pattern); ok {
			return i + 1 + at, "bad regular expression: " + what, true
		}
		return 0, "", false
	}
	if strings.Contains(body, "/") || !strings.ContainsAny(body, regexMeta) {
		return 0, "", false
	}
	return i, `unclosed regular expression: end it with "/" (or quote the text to search for it as it is)`, true
}

// escapedAt reports whether s[j] follows an odd number of backslashes.
func escapedAt(s string, j int) bool {
	n := 0
	for k := j - 1; k >= 0 && s[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

// regexProblem returns, if pattern is not a valid RE2 expression, the
// offset in pattern of the problem and what it is in words, from
// regexp/syntax's error code: "missing closing )" at the '(' left open,
// "unexpected )" at the ')' that closes nothing, and so on.
func regexProblem(pattern string) (off int, msg string, bad bool) {
	_, err := syntax.Parse(pattern, syntax.Perl)
	if err == nil {
		return 0, "", false
	}
	var se *syntax.Error
	if !errors.As(err, &se) {
		return 0, regexpError(err), true
	}
	msg = string(se.Code)
	switch se.Code {
	case syntax.ErrMissingParen:
		return unmatchedOpen(pattern, '('), msg, true
	case syntax.ErrMissingBracket:
		return unmatchedOpen(pattern, '['), msg, true
	case syntax.ErrTrailingBackslash:
		return max(len(pattern)-1, 0), msg, true
	}
	if se.Expr != "" {
		msg += ": `" + se.Expr + "`"
		if k := strings.Index(pattern, se.Expr); k >= 0 {
			return k, msg, true
		}
	}
	return 0, msg, true
}

// unmatchedOpen returns the offset of the '(' (open '(') that no ')'
// closes, or of the '[' of a class left open (open '['), in pattern; 0 if
// there is none.
func unmatchedOpen(pattern string, open byte) int {
	var parens []int
	class := -1
	for j := 0; j < len(pattern); j++ {
		k, plain := regexStep(pattern, j, &class)
		switch {
		case !plain:
			j = k
		case pattern[j] == '(':
			parens = append(parens, j)
		case pattern[j] == ')' && len(parens) > 0:
			parens = parens[:len(parens)-1]
		}
	}
	switch {
	case open == '[' && class >= 0:
		return class
	case open == '(' && len(parens) > 0:
		return parens[0]
	}
	return 0
}

// advancePos returns the position n bytes of src after p.
func advancePos(src string, p Position, n int) Position {
	end := min(p.Offset+n, len(src))
	for k := p.Offset; k < end; {
		r, size := utf8.DecodeRuneInString(src[k:])
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
		k += size
	}
	p.Offset = end
	return p
}

package query

import "strings"

// This file converts between the text of string and regex tokens and what
// they stand for. The printer relies on each pair being inverse: quote
// undoes unquote and regexLiteral undoes regexBody.

// unquote returns the text of a quoted string token: the quotes removed,
// `\"` and `\\` replaced by `"` and `\`. Any other backslash is kept, so
// "C:\temp" means C:\temp.
func unquote(tok string) string {
	body := tok[1 : len(tok)-1]
	if !strings.Contains(body, `\`) {
		return body
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\\' && i+1 < len(body) && (body[i+1] == '"' || body[i+1] == '\\') {
			i++
			c = body[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}

// quote returns s as a quoted string token that unquote maps back to s. It
// escapes '"' always and '\' only where unquote would otherwise read it as
// an escape (before '"', '\' or the closing quote), so text that needs no
// escapes is printed as written.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			if i+1 == len(s) || s[i+1] == '"' || s[i+1] == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// regexBody returns the pattern of a regex token: the slashes removed and
// `\/` replaced by '/'. Other escapes are left to the regexp package.
func regexBody(tok string) string {
	body := tok[1 : len(tok)-1]
	if !strings.Contains(body, `\/`) {
		return body
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\\' && i+1 < len(body) {
			if body[i+1] != '/' {
				b.WriteByte(c)
			}
			i++
			c = body[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}

// regexLiteral returns pattern as a regex token that regexBody maps back to
// it: every '/' not already escaped gets a backslash.
func regexLiteral(pattern string) string {
	var b strings.Builder
	b.Grow(len(pattern) + 2)
	b.WriteByte('/')
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			b.WriteByte(c)
			i++
			c = pattern[i]
		case c == '/':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte('/')
	return b.String()
}

package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the text semantics of the filter language: what a word is,
// how case is ignored and how '*' patterns match. The index tokenizer in
// tokens.go must agree with it: every word a WordFilter can match in a line
// must be among the tokens indexed for the line's block.

// asciiWord[c] reports whether the ASCII byte c is a word character.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
	}
	return t
}()

// isWordRune reports whether r is a word character: a letter, a digit or '_',
// as grep -w defines it.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordBefore reports whether s[:i] ends with a word character.
func wordBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return asciiWord[c]
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r)
}

// wordAfter reports whether s[i:] starts with a word character.
func wordAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return asciiWord[c]
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// textMatcher finds a needle in messages ignoring case, optionally only as a
// whole word. It is built once per query.
type textMatcher struct {
	needle string // lower-cased
	ascii  bool   // needle is ASCII: compare bytes, skip the Unicode path
	word   bool
}

func newTextMatcher(needle string, word bool) *textMatcher {
	n := strings.ToLower(needle)
	return &textMatcher{needle: n, ascii: isASCII(n), word: word}
}

// match reports whether msg contains the needle (as a whole word if m.word).
func (m *textMatcher) match(msg string) bool {
	if m.needle == "" {
		return true
	}
	if !m.ascii {
		return m.matchUnicode(msg)
	}
	n := m.needle
	c0 := n[0]
	c1 := c0
	if 'a' <= c0 && c0 <= 'z' {
		c1 = c0 - ('a' - 'A')
	}
	last := len(msg) - len(n)
	for i := 0; i <= last; i++ {
		// Find the next position where the first byte matches in either case.
		j := indexEither(msg[i:last+1], c0, c1)
		if j < 0 {
			return false
		}
		i += j
		if equalFoldASCII(msg[i+1:i+len(n)], n[1:]) &&
			(!m.word || !wordBefore(msg, i) && !wordAfter(msg, i+len(n))) {
			return true
		}
	}
	return false
}

// matchUnicode is the slow path for needles outside ASCII: it lowers the
// whole message. Word boundaries are checked on the lowered text, which keeps
// letters letters.
func (m *textMatcher) matchUnicode(msg string) bool {
	low := strings.ToLower(msg)
	for off := 0; ; {
		j := strings.Index(low[off:], m.needle)
		if j < 0 {
			return false
		}
		i := off + j
		if !m.word || !wordBefore(low, i) && !wordAfter(low, i+len(m.needle)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(low[i:])
		off = i + size
	}
}

// indexEither returns the index of the first byte of s equal to a or b.
func indexEither(s string, a, b byte) int {
	i := strings.IndexByte(s, a)
	if a == b {
		return i
	}
	end := len(s)
	if i >= 0 {
		end = i
	}
	if j := strings.IndexByte(s[:end], b); j >= 0 {
		return j
	}
	return i
}

// equalFoldASCII reports whether s equals the lower-case ASCII string low,
// ignoring the case of ASCII letters in s.
func equalFoldASCII(s, low string) bool {
	for i := 0; i < len(low); i++ {
		if lowerASCII(s[i]) != low[i] {
			return false
		}
	}
	return true
}

// globMatch reports whether s matches pattern, in which '*' matches any run
// of bytes (including none) and every other byte matches itself.
func globMatch(pattern, s string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == s
	}
	if !strings.HasPrefix(s, pattern[:star]) {
		return false
	}
	s = s[star:]
	parts := strings.Split(pattern[star+1:], "*")
	for i, p := range parts {
		if i == len(parts)-1 {
			return len(s) >= len(p) && strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

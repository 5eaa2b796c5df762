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

	// rare is the index in needle of its least common byte, and lo/up that
	// byte in lower and upper case: the scan looks for it first with
	// IndexByte, which is vectorized, instead of for the first byte.
	rare   int
	lo, up byte
}

func newTextMatcher(needle string, word bool) *textMatcher {
	n := strings.ToLower(needle)
	m := &textMatcher{needle: n, ascii: isASCII(n), word: word}
	for i := 1; i < len(n); i++ {
		if byteRank[n[i]] < byteRank[n[m.rare]] {
			m.rare = i
		}
	}
	if n != "" {
		m.lo, m.up = n[m.rare], n[m.rare]
		if 'a' <= m.lo && m.lo <= 'z' {
			m.up = m.lo - ('a' - 'A')
		}
	}
	return m
}

// byteRank orders bytes by how common they are in logs (lower is rarer),
// measured on the shared CI, Kafka and kubelet logs, lower-cased. Bytes not
// listed are rarer than all listed ones.
var byteRank = func() (r [256]uint8) {
	const common = " eotarsni0.c1lpm2:-d3/ug5f4b76[9\n8kh\x1bv]\"wyj()_,;x\r=|z{}#q'>+"
	for i := 0; i < len(common); i++ {
		r[common[i]] = uint8(len(common) - i)
	}
	return r
}()

// match reports whether msg contains the needle (as a whole word if m.word).
func (m *textMatcher) match(msg string) bool {
	if m.needle == "" {
		return true
	}
	if !m.ascii {
		return m.matchUnicode(msg)
	}
	found := false
	m.scan(msg, func(i int) bool {
		if !m.word || !wordBefore(msg, i) && !wordAfter(msg, i+len(m.needle)) {
			found = true
			return false
		}
		return true
	})
	return found
}

// scan calls fn with the offset of every place in s where the ASCII needle
// occurs ignoring case, in order, until fn returns false. It does not check
// word boundaries.
func (m *textMatcher) scan(s string, fn func(int) bool) {
	n := m.needle
	if len(n) == 0 || len(s) < len(n) {
		return
	}
	const none = -1
	nextLo, nextUp := none-1, none-1 // none-1: not looked up yet
	if m.lo == m.up {
		nextUp = none
	}
	cur := m.rare
	end := len(s) - (len(n) - m.rare) // last offset the rare byte may be at
	for cur <= end {
		if nextLo != none && nextLo < cur {
			if k := strings.IndexByte(s[cur:end+1], m.lo); k >= 0 {
				nextLo = cur + k
			} else {
				nextLo = none
			}
		}
		if nextUp != none && nextUp < cur {
			if k := strings.IndexByte(s[cur:end+1], m.up); k >= 0 {
				nextUp = cur + k
			} else {
				nextUp = none
			}
		}
		p := nextLo
		if p == none || nextUp != none && nextUp < p {
			p = nextUp
		}
		if p == none {
			return
		}
		start := p - m.rare
		if equalFoldASCII(s[start:start+len(n)], n) && !fn(start) {
			return
		}
		cur = p + 1
	}
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

// MatchGlob reports whether s matches pattern, in which '*' matches any run
// of bytes (including none) and every other byte matches itself, as job and
// label filters match.
func MatchGlob(pattern, s string) bool { return globMatch(pattern, s) }

// globMatch is MatchGlob.
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

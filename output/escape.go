package output

import (
	"strconv"
	"unicode/utf8"
)

// Escape returns s with every character that could end a line, move the
// cursor or drive a terminal written as a Go escape, so that a job name,
// label or message prints as one line of plain text and cannot forge rows
// or colours:
//
//   - C0 controls and DEL: \a \b \t \n \v \f \r by name, the others as
//     \x00 … \x1f and \x7f (ESC is \x1b);
//   - C1 controls (U+0080 to U+009F, which some terminals obey as ESC
//     sequences): \u0080 … \u009f;
//   - the line and paragraph separators U+2028 and U+2029, which some
//     readers take for line ends, and the bidirectional controls (U+061C,
//     U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), which reorder
//     what a line shows: \u2028, \u202e …;
//   - each byte that is not part of valid UTF-8: \xff.
//
// Everything else, other languages' letters included, is kept, and so is
// the backslash: Windows paths stay readable, at the price that a
// backslash and an n in the text show as an escaped newline does.
// Escaping is for people to read, not to be undone; json output keeps
// the exact text. A string with nothing to escape is returned as it is,
// without allocating.
func Escape(s string) string {
	i := firstToEscape(s)
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == 0x7f {
				b = appendControl(b, c)
			} else {
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, `\x`...)
			b = appendHex(b, uint64(c), 2)
		case escapedRune(r):
			b = append(b, `\u`...)
			b = appendHex(b, uint64(r), 4)
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// firstToEscape returns the index of the first byte of s that Escape
// changes, or -1.
func firstToEscape(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || escapedRune(r) {
			return i
		}
		i += n
	}
	return -1
}

// escapedRune reports whether Escape writes r, a rune beyond ASCII, as
// \uXXXX.
func escapedRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi
		return true
	}
	return false
}

// appendControl appends the escape of the C0 control or DEL c.
func appendControl(b []byte, c byte) []byte {
	switch c {
	case '\a':
		return append(b, `\a`...)
	case '\b':
		return append(b, `\b`...)
	case '\t':
		return append(b, `\t`...)
	case '\n':
		return append(b, `\n`...)
	case '\v':
		return append(b, `\v`...)
	case '\f':
		return append(b, `\f`...)
	case '\r':
		return append(b, `\r`...)
	}
	b = append(b, `\x`...)
	return appendHex(b, uint64(c), 2)
}

// appendHex appends v in lower-case hexadecimal, zero-padded to width
// digits.
func appendHex(b []byte, v uint64, width int) []byte {
	h := strconv.FormatUint(v, 16)
	for i := len(h); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, h...)
}

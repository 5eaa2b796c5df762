package ingest

// Byte-level helpers shared by the detectors and the field parsers.

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }

// atoi parses b, which must be all ASCII digits and short enough not to
// overflow, as a decimal number.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// num parses the n digits of b at i. It is atoi with bounds checking.
func num(b []byte, i, n int) (int, bool) {
	if i+n > len(b) {
		return 0, false
	}
	return atoi(b[i : i+n])
}

// twoDigits parses the two-digit numbers of b at the offsets at into dst,
// in order, and reports whether every one is a number.
func twoDigits(b []byte, at []int, dst ...*int) bool {
	for i, o := range at {
		v, ok := num(b, o, 2)
		if !ok {
			return false
		}
		*dst[i] = v
	}
	return true
}

// paddedNumber returns the offset after the digits that follow one or more
// spaces at b[i:], as klog and logcat right-align thread ids, or 0.
func paddedNumber(b []byte, i int) int {
	j := i
	for j < len(b) && b[j] == ' ' {
		j++
	}
	k := j
	for k < len(b) && isDigit(b[k]) {
		k++
	}
	if j == i || k == j {
		return 0
	}
	return k
}

// fraction parses the digits at the start of b as a decimal fraction of a
// second. It returns nanoseconds and the number of digits, which may exceed
// 9; digits past the ninth are ignored.
func fraction(b []byte) (nsec, n int) {
	scale := 100_000_000
	for n < len(b) && isDigit(b[n]) {
		nsec += int(b[n]-'0') * scale
		scale /= 10
		n++
	}
	return nsec, n
}

// skipBlanks returns b without leading spaces and tabs.
func skipBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// isBlank reports whether b holds nothing but spaces, tabs, "\r", "\f" and
// "\v".
func isBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return true
}

// bom is the UTF-8 byte order mark some Windows tools and GitHub's raw logs
// put before the first line.
const bom = "\xef\xbb\xbf"

// trimBOM returns b without a leading byte order mark.
func trimBOM(b []byte) []byte {
	if len(b) >= 3 && string(b[:3]) == bom {
		return b[3:]
	}
	return b
}

package ingest

// parseISO parses an ISO 8601 / RFC 3339 timestamp at the start of b into c
// and returns the number of bytes it takes, or 0 if b does not start with
// one. It accepts
//
//	2022-04-27T19:35:18.0513221Z      RFC 3339, GitHub Actions
//	2016-12-19 16:31:47,437           log4j, Python (space, comma)
//	2009/11/10 23:00:00.123456        Go's log package
//	2024-01-02T03:04:05+01:00, +0100, +01, " +0100", " UTC"
//
// The fraction may have any number of digits (nanoseconds are kept). A
// timestamp must be followed by the end of b or a byte that is not a letter
// or digit, so "2024-01-02T03:04:05abc" is not one.
func parseISO(b []byte, c *civil) int {
	if len(b) < 19 || !isDigit(b[0]) {
		return 0
	}
	sep := b[4]
	if (sep != '-' && sep != '/') || b[7] != sep || b[13] != ':' || b[16] != ':' {
		return 0
	}
	switch b[10] {
	case 'T', 't', ' ':
	default:
		return 0
	}
	var ok [6]bool
	*c = civil{}
	c.year, ok[0] = num(b, 0, 4)
	c.month, ok[1] = num(b, 5, 2)
	c.day, ok[2] = num(b, 8, 2)
	c.hour, ok[3] = num(b, 11, 2)
	c.min, ok[4] = num(b, 14, 2)
	c.sec, ok[5] = num(b, 17, 2)
	if ok != [6]bool{true, true, true, true, true, true} {
		return 0
	}
	i := 19
	if i+1 < len(b) && (b[i] == '.' || b[i] == ',') && isDigit(b[i+1]) {
		nsec, n := fraction(b[i+1:])
		c.nsec = nsec
		i += 1 + n
	}
	i += parseZone(b[i:], c)
	if i < len(b) && isAlnum(b[i]) {
		return 0
	}
	if !c.valid() {
		return 0
	}
	return i
}

// parseZone parses the zone after an ISO time: Z, ±hh:mm, ±hhmm or ±hh,
// or, after one space, ±hhmm, ±hh:mm, UTC or GMT. It sets c.zoned and
// c.offset and returns the bytes taken, or 0 for none.
func parseZone(b []byte, c *civil) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case 'Z', 'z':
		c.zoned, c.offset = true, 0
		return 1
	case '+', '-':
		return parseOffset(b, c, true)
	case ' ':
		if len(b) >= 4 && (string(b[1:4]) == "UTC" || string(b[1:4]) == "GMT") {
			c.zoned, c.offset = true, 0
			return 4
		}
		if len(b) >= 2 && (b[1] == '+' || b[1] == '-') {
			if n := parseOffset(b[1:], c, false); n > 0 {
				return 1 + n
			}
		}
	}
	return 0
}

// parseOffset parses ±hh:mm, ±hhmm and, if short is set, ±hh at the start
// of b. A form followed by a digit is rejected.
func parseOffset(b []byte, c *civil, short bool) int {
	h, ok := num(b, 1, 2)
	if !ok {
		return 0
	}
	m, n := 0, 3
	switch {
	case len(b) >= 6 && b[3] == ':':
		if m, ok = num(b, 4, 2); !ok {
			return 0
		}
		n = 6
	case len(b) >= 5 && isDigit(b[3]):
		if m, ok = num(b, 3, 2); !ok {
			return 0
		}
		n = 5
	case !short:
		return 0
	}
	if n < len(b) && isDigit(b[n]) || h > 23 || m > 59 {
		return 0
	}
	off := h*3600 + m*60
	if b[0] == '-' {
		off = -off
	}
	c.zoned, c.offset = true, off
	return n
}

// parseBracketISO parses an ISO timestamp in square brackets, as log4j's
// "[%d]" and Kafka write it: "[2016-12-19 16:31:46,143] INFO …". It returns
// the bytes taken including the brackets, or 0.
func parseBracketISO(b []byte, c *civil) int {
	if len(b) < 21 || b[0] != '[' {
		return 0
	}
	n := parseISO(b[1:], c)
	if n == 0 || 1+n >= len(b) || b[1+n] != ']' {
		return 0
	}
	return n + 2
}

package ingest

// parseSlashDate parses the "yy/MM/dd HH:mm:ss" that Spark's and Hadoop's
// log4j configurations write ("17/06/09 20:10:40 INFO …") into c and
// returns the bytes taken, or 0. Two-digit years are 2000 to 2099.
func parseSlashDate(b []byte, c *civil) int {
	if len(b) < 17 || b[2] != '/' || b[5] != '/' || b[8] != ' ' || b[11] != ':' || b[14] != ':' {
		return 0
	}
	return shortDate(b, c, [6]int{0, 3, 6, 9, 12, 15}, 17)
}

// parseCompactDate parses HDFS's "yyMMdd HHmmss" ("081109 203615 148 INFO
// …"), which a space must follow, into c and returns the bytes taken, or 0.
func parseCompactDate(b []byte, c *civil) int {
	if len(b) < 14 || b[6] != ' ' || b[13] != ' ' {
		return 0
	}
	return shortDate(b, c, [6]int{0, 2, 4, 7, 9, 11}, 13)
}

// shortDate fills c from the two-digit fields of b at the offsets of year,
// month, day, hour, minute and second, and returns n, or 0 if a field is
// not a number or the date is not valid.
func shortDate(b []byte, c *civil, at [6]int, n int) int {
	*c = civil{}
	if !twoDigits(b, at[:], &c.year, &c.month, &c.day, &c.hour, &c.min, &c.sec) {
		return 0
	}
	c.year += 2000
	if n < len(b) && isAlnum(b[n]) || !c.valid() {
		return 0
	}
	return n
}

// parsePipeDate parses "yyyyMMdd-HH:mm:ss:SSS" as some Android
// applications write it before a "|" ("20171223-22:15:29:606|Step_LSC|…")
// into c and returns the bytes taken, or 0. The milliseconds may be
// missing or have fewer digits.
func parsePipeDate(b []byte, c *civil) int {
	if len(b) < 17 || b[8] != '-' || b[11] != ':' || b[14] != ':' {
		return 0
	}
	var ok [6]bool
	*c = civil{}
	c.year, ok[0] = num(b, 0, 4)
	c.month, ok[1] = num(b, 4, 2)
	c.day, ok[2] = num(b, 6, 2)
	c.hour, ok[3] = num(b, 9, 2)
	c.min, ok[4] = num(b, 12, 2)
	c.sec, ok[5] = num(b, 15, 2)
	if ok != [6]bool{true, true, true, true, true, true} {
		return 0
	}
	i := 17
	if i+1 < len(b) && (b[i] == ':' || b[i] == '.') && isDigit(b[i+1]) {
		nsec, n := fraction(b[i+1 : min(len(b), i+4)])
		c.nsec = nsec
		i += 1 + n
	}
	if i < len(b) && b[i] != '|' && b[i] != ' ' || !c.valid() {
		return 0
	}
	return i
}

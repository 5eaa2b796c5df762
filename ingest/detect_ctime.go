package ingest

// parseCtimeBracket parses Apache's error-log time, C's ctime in square
// brackets,
//
//	[Sun Dec 04 04:47:44 2005] [error] msg
//	[Fri Sep 09 10:42:29.902022 2011] [core:error] msg
//
// into c and returns the bytes taken including the brackets, or 0.
func parseCtimeBracket(b []byte, c *civil) int {
	if len(b) < 26 || b[0] != '[' || b[4] != ' ' || b[8] != ' ' || b[11] != ' ' || b[14] != ':' || b[17] != ':' {
		return 0
	}
	*c = civil{month: monthNumber(b[5:8])}
	if c.month == 0 || !twoDigits(b, []int{9, 12, 15, 18}, &c.day, &c.hour, &c.min, &c.sec) {
		return 0
	}
	i := 20
	if i+1 < len(b) && b[i] == '.' && isDigit(b[i+1]) {
		nsec, n := fraction(b[i+1:])
		c.nsec = nsec
		i += 1 + n
	}
	var okY bool
	if c.year, okY = num(b, i+1, 4); !okY || b[i] != ' ' || i+5 >= len(b) || b[i+5] != ']' || !c.valid() {
		return 0
	}
	return i + 6
}

// parseMonthDayBracket parses "[MM.dd HH:mm:ss]" ("[10.30 16:49:06]
// chrome.exe - …", Proxifier) into c, leaving the year 0, and returns the
// bytes taken, or 0.
func parseMonthDayBracket(b []byte, c *civil) int {
	if len(b) < 16 || b[0] != '[' || b[3] != '.' || b[6] != ' ' || b[9] != ':' || b[12] != ':' || b[15] != ']' {
		return 0
	}
	*c = civil{}
	if !twoDigits(b, []int{1, 4, 7, 10, 13}, &c.month, &c.day, &c.hour, &c.min, &c.sec) {
		return 0
	}
	return 16
}

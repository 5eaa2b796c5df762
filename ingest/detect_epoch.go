package ingest

// Epoch times taken at the start of a line: 2000-01-01 to 2100-01-01.
const (
	minEpoch = 946684800
	maxEpoch = 4102444800
)

// parseLeadingEpoch parses Unix seconds (10 digits) or milliseconds (13 digits)
// at the start of b, followed by a space or a tab, as BGL,
// Thunderbird and many exporters write them ("1131566461 2005.11.09 …",
// "1700000000123 …"). Only times from 2000 to 2100 count: other numbers at
// the start of a line are counts and ids. It returns Unix nanoseconds and
// the bytes taken, or 0.
func parseLeadingEpoch(b []byte) (t int64, n int) {
	for n < len(b) && n < 14 && isDigit(b[n]) {
		n++
	}
	if n != 10 && n != 13 || n == len(b) || !endsToken(b, n) {
		return 0, 0
	}
	v, _ := atoi(b[:n])
	ns := int64(v) * 1e9
	if n == 13 {
		ns = int64(v) * 1e6
	}
	if ns < minEpoch*1e9 || ns >= maxEpoch*1e9 {
		return 0, 0
	}
	return ns, n
}

// epochField returns the offset of an epoch time after a first field of
// "-" or an upper-case tag, as BGL and Thunderbird write their alert
// column ("- 1117838570 …", "KERNDTLB 1118536327 …"), or 0.
func epochField(b []byte) int {
	i := 0
	for i < len(b) && i < 16 && (b[i] == '-' || isUpper(b[i]) || isDigit(b[i]) || b[i] == '_') {
		i++
	}
	if i == 0 || i >= len(b) || b[i] != ' ' || i+1 >= len(b) || !isDigit(b[i+1]) {
		return 0
	}
	return i + 1
}

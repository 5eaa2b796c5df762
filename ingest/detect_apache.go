package ingest

import "bytes"

// apacheWindow is how far into a line findApacheTime looks for the start of
// the bracketed time.
const apacheWindow = 100

// findApacheTime finds an Apache / NCSA common-log time,
//
//	83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 …
//
// whose "[" lies in the first apacheWindow bytes of b, and fills c with it.
func findApacheTime(b []byte, c *civil) bool {
	w := b
	if len(w) > apacheWindow {
		w = w[:apacheWindow]
	}
	for off := 0; ; {
		i := bytes.IndexByte(w[off:], '[')
		if i < 0 {
			return false
		}
		off += i + 1
		if parseApacheTime(b[off:], c) {
			return true
		}
	}
}

// parseApacheTime parses "dd/Mon/yyyy:hh:mm:ss ±hhmm]" at the start of b.
func parseApacheTime(b []byte, c *civil) bool {
	if len(b) < 27 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' ||
		b[17] != ':' || b[20] != ' ' || b[26] != ']' {
		return false
	}
	*c = civil{month: monthNumber(b[3:6])}
	var ok [5]bool
	c.day, ok[0] = num(b, 0, 2)
	c.year, ok[1] = num(b, 7, 4)
	c.hour, ok[2] = num(b, 12, 2)
	c.min, ok[3] = num(b, 15, 2)
	c.sec, ok[4] = num(b, 18, 2)
	if ok != [5]bool{true, true, true, true, true} {
		return false
	}
	if parseOffset(b[21:26], c, false) != 5 {
		return false
	}
	return c.valid()
}

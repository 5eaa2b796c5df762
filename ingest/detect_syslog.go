package ingest

import "bytes"

// monthNumber returns the number of an English three-letter month
// abbreviation as syslog and Apache write it ("Jan" … "Dec"), or 0.
func monthNumber(b []byte) int {
	if len(b) < 3 {
		return 0
	}
	switch string(b[:3]) {
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

// parseSyslog parses a BSD syslog (RFC 3164) line head,
//
//	Mar 27 13:06:56 host prog[pid]: msg
//	Mar  7 13:06:56.123 host prog: msg
//
// into c, whose year it leaves 0 (the line has none). It returns the bytes
// taken by the timestamp, or 0, and the offset of msg, or -1 when no
// "host prog[pid]: " or "host prog: " follows.
func parseSyslog(b []byte, c *civil) (n, msg int) {
	mon := monthNumber(b)
	if mon == 0 || len(b) < 15 || b[3] != ' ' {
		return 0, -1
	}
	*c = civil{month: mon}
	i := 4
	var ok bool
	switch {
	case b[4] == ' ' && isDigit(b[5]): // "Mar  7"
		c.day, i = int(b[5]-'0'), 6
	case isDigit(b[4]) && b[5] == ' ': // "Mar 7"
		c.day, i = int(b[4]-'0'), 5
	default:
		if c.day, ok = num(b, 4, 2); !ok {
			return 0, -1
		}
		i = 6
	}
	if i+9 > len(b) || b[i] != ' ' || b[i+3] != ':' || b[i+6] != ':' {
		return 0, -1
	}
	var okh, okm, oks bool
	c.hour, okh = num(b, i+1, 2)
	c.min, okm = num(b, i+4, 2)
	c.sec, oks = num(b, i+7, 2)
	if !okh || !okm || !oks {
		return 0, -1
	}
	i += 9
	if i+1 < len(b) && b[i] == '.' && isDigit(b[i+1]) {
		nsec, k := fraction(b[i+1:])
		c.nsec = nsec
		i += 1 + k
	}
	if i < len(b) && b[i] != ' ' {
		return 0, -1
	}
	return i, syslogMessage(b, i)
}

// syslogMessage returns the offset of the message after "host prog[pid]: "
// or "host prog: " at b[i:], which starts with a space, or -1.
func syslogMessage(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	rest := b[i+1:]
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return -1 // no host
	}
	tag := rest[sp+1:]
	for j := 0; j < len(tag) && j < 64; j++ {
		switch tag[j] {
		case ' ', '\t':
			return -1
		case ':':
			if j == 0 || j+1 < len(tag) && tag[j+1] != ' ' {
				return -1
			}
			return min(i+1+sp+1+j+2, len(b))
		case '[':
			end := bytes.IndexByte(tag[j:], ']')
			if j == 0 || end < 2 {
				return -1
			}
			if _, ok := atoi(tag[j+1 : j+end]); !ok {
				return -1
			}
			k := j + end + 1
			if k >= len(tag) || tag[k] != ':' || k+1 < len(tag) && tag[k+1] != ' ' {
				return -1
			}
			return min(i+1+sp+1+k+2, len(b))
		}
	}
	return -1
}

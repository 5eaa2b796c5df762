package ingest

import "github.com/logdb/logdb/engine"

// severityWords are the syslog severities 0 to 7 as RFC 5424 names them;
// the Reader keeps the name as the level's text.
var severityWords = [8][]byte{[]byte("emerg"), []byte("alert"), []byte("crit"), []byte("err"),
	[]byte("warning"), []byte("notice"), []byte("info"), []byte("debug")}

// SeverityLevel maps a syslog severity (0 to 7) onto a level: emerg, alert
// and crit are Fatal, err Error, warning Warn, notice and info Info, debug
// Debug. The receivers of syslog and the JSON readers map it the same way.
func SeverityLevel(sev int) engine.Level {
	switch sev {
	case 0, 1, 2:
		return engine.Fatal
	case 3:
		return engine.Error
	case 4:
		return engine.Warn
	case 5, 6:
		return engine.Info
	}
	return engine.Debug
}

// parsePRI parses the "<PRI>" that starts a syslog message as it goes over
// the wire, "<13>Jun  9 …" or "<165>1 2003-10-11T22:14:15.003Z …", and
// returns the severity (PRI mod 8) and the bytes taken, or 0.
func parsePRI(b []byte) (sev, n int) {
	if len(b) < 3 || b[0] != '<' {
		return 0, 0
	}
	i := 1
	for i < len(b) && i <= 4 && isDigit(b[i]) {
		i++
	}
	if i == 1 || i >= len(b) || b[i] != '>' {
		return 0, 0
	}
	pri, _ := atoi(b[1:i])
	if pri > 191 {
		return 0, 0
	}
	return pri % 8, i + 1
}

// rfc5424 parses what follows the PRI of an RFC 5424 message,
//
//	1 2003-10-11T22:14:15.003Z host app procid msgid [sd] msg
//
// into c and returns the offset of the message, or 0 if b is not one. A
// "-" timestamp (none) is not taken.
func rfc5424(b []byte, c *civil) int {
	if len(b) < 4 || b[0] != '1' || b[1] != ' ' {
		return 0
	}
	n := parseISO(b[2:], c)
	if n == 0 {
		return 0
	}
	i := 2 + n
	// HOSTNAME APP-NAME PROCID MSGID
	for f := 0; f < 4; f++ {
		if i >= len(b) || b[i] != ' ' {
			return i
		}
		i++
		for i < len(b) && b[i] != ' ' {
			i++
		}
	}
	i++
	if i < len(b) && b[i] == '[' {
		for i < len(b) && b[i] != ' ' { // structured data without spaces
			i++
		}
		i++
	} else if i < len(b) && b[i] == '-' {
		i += 2
	}
	return min(i, len(b))
}

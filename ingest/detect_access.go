package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// accessWindow is how much of a line accessLevel looks at: the request
// may be longer than headBytes.
const accessWindow = 16 << 10

// accessLevel returns the level of an access-log line from its HTTP status,
// the three digits after the quoted request ("GET / HTTP/1.1" 503 …): 5xx
// is Error, 4xx Warn, anything else Info. It returns the status as the
// level's text, or nil when no status follows a quoted request in s.
func accessLevel(s []byte) (engine.Level, []byte) {
	q := bytes.IndexByte(s, '"')
	if q < 0 {
		return engine.NoLevel, nil
	}
	end := bytes.IndexByte(s[q+1:], '"')
	if end < 0 {
		return engine.NoLevel, nil
	}
	i := q + 1 + end + 1
	if i+4 > len(s) || s[i] != ' ' || !endsToken(s, i+4) {
		return engine.NoLevel, nil
	}
	code, ok := num(s, i+1, 3)
	if !ok || code < 100 || code > 599 {
		return engine.NoLevel, nil
	}
	st := s[i+1 : i+4]
	switch {
	case code >= 500:
		return engine.Error, st
	case code >= 400:
		return engine.Warn, st
	}
	return engine.Info, st
}

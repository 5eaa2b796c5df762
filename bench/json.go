package bench

import (
	"bufio"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/logdb/logdb/engine"
)

// TimeLayout is the layout of the "time" key that AppendJSON writes: RFC
// 3339 in UTC with all nine digits of the nanoseconds, so that the strings
// sort as the times do (SQLite and sort(1) compare them as text).
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// AppendJSON appends e to dst as one JSON object and a newline, in the form
// `logdb ingest --format json` reads back into the same entry:
//
//	{"time":"2025-03-20T00:00:00.086400000Z","level":"Info","job":"job-00001-a3f2","msg":"…","app":"crm","component":"db","env":"prod","flow":"etl-orders"}
//
// time, level (omitted for NoLevel), job and msg come first, then the labels
// in their order as keys. Strings are escaped minimally: '"', '\\' and
// control characters; '<', '>' and '&' stay as they are (unlike
// encoding/json), so that grep over the file sees the message's text.
// Invalid UTF-8 becomes U+FFFD. Attempt is written only when it is not 0.
func AppendJSON(dst []byte, e *engine.Entry) []byte {
	dst = append(dst, `{"time":"`...)
	dst = time.Unix(0, e.Time).UTC().AppendFormat(dst, TimeLayout)
	dst = append(dst, '"')
	if e.Level != engine.NoLevel {
		dst = append(dst, `,"level":"`...)
		dst = append(dst, e.Level.String()...)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"job":`...)
	dst = appendJSONString(dst, e.Job)
	if e.Attempt != 0 {
		dst = fmt.Appendf(dst, `,"attempt":%d`, e.Attempt)
	}
	dst = append(dst, `,"msg":`...)
	dst = appendJSONString(dst, e.Message)
	for _, l := range e.Labels {
		dst = append(dst, ',')
		dst = appendJSONString(dst, l.Name)
		dst = append(dst, ':')
		dst = appendJSONString(dst, l.Value)
	}
	return append(dst, "}\n"...)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return append(dst, '"')
}

// GenStats describes what GenerateJSON wrote.
type GenStats struct {
	Lines int64 // lines written
	Bytes int64 // bytes written, newlines included
	Runs  int   // distinct runs

	// Last is the last line written (its Labels are not kept).
	Last engine.Entry
	// FirstTime and LastTime are the smallest and largest line times (Unix
	// ns); lines are only roughly in time order.
	FirstTime, LastTime int64
	// WordLines counts the lines whose message contains Word as grep -iw
	// would find it ("timeout" unless GenerateJSON was given another word).
	Word      string
	WordLines int64
}

// GenerateJSON writes the lines of w to out as JSON lines (see AppendJSON),
// streaming: its memory does not grow with w.Lines. It counts the lines
// that contain word (grep -iw), for checking query results; "" means
// "timeout".
func GenerateJSON(out io.Writer, w Workload, word string) (GenStats, error) {
	if word == "" {
		word = "timeout"
	}
	st := GenStats{Word: word, FirstTime: 1<<63 - 1, LastTime: -1 << 63}
	bw := bufio.NewWriterSize(out, 1<<20)
	var (
		buf  []byte
		err  error
		runs = map[string]struct{}{}
	)
	w.Generate(func(e *engine.Entry) {
		if err != nil {
			return
		}
		buf = AppendJSON(buf[:0], e)
		if _, err = bw.Write(buf); err != nil {
			return
		}
		st.Lines++
		st.Bytes += int64(len(buf))
		if _, ok := runs[e.Job]; !ok {
			runs[e.Job] = struct{}{}
		}
		st.FirstTime = min(st.FirstTime, e.Time)
		st.LastTime = max(st.LastTime, e.Time)
		if ContainsWord(e.Message, word) {
			st.WordLines++
		}
		st.Last = *e
		st.Last.Labels = nil
	})
	if err == nil {
		err = bw.Flush()
	}
	st.Runs = len(runs)
	if st.Lines == 0 {
		st.FirstTime, st.LastTime = 0, 0
	}
	return st, err
}

// ContainsWord reports whether s contains word as grep -iw finds it: the
// same letters ignoring ASCII case, neither preceded nor followed by a
// letter, digit or '_'. Bytes outside ASCII count as letters.
func ContainsWord(s, word string) bool {
	if word == "" {
		return false
	}
	for i := 0; i+len(word) <= len(s); i++ {
		if !equalFoldASCII(s[i:i+len(word)], word) {
			continue
		}
		if i > 0 && isWordByte(s[i-1]) {
			continue
		}
		if j := i + len(word); j < len(s) && isWordByte(s[j]) {
			continue
		}
		return true
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isWordByte(c byte) bool {
	return c >= utf8.RuneSelf || c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

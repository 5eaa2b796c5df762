package ingest

import (
	"strings"
	"time"
)

// strftimeVerbs maps the strftime conversions Options.TimeFormat accepts
// onto Go layout elements.
var strftimeVerbs = map[byte]string{
	'Y': "2006", 'y': "06", 'm': "01", 'd': "02", 'e': "_2", 'H': "15", 'I': "03",
	'M': "04", 'S': "05", 'p': "PM", 'b': "Jan", 'h': "Jan", 'B': "January",
	'a': "Mon", 'A': "Monday", 'j': "002", 'z': "-0700", 'Z': "MST",
	'f': "000000", 'L': "000", 'F': "2006-01-02", 'T': "15:04:05", '%': "%",
}

// A timeFormat is a compiled Options.TimeFormat.
type timeFormat struct {
	layout string // Go layout
	fields int    // blank-separated fields the time takes
	year   bool   // the layout has a year
}

// compileTimeFormat compiles the text of Options.TimeFormat: a strftime
// format when it holds a "%" ("%Y-%m-%d %H:%M:%S"), a Go layout otherwise
// ("2006-01-02 15:04:05"). The layout must have a day of the month; a
// missing year is chosen as for syslog.
func compileTimeFormat(src string) (*timeFormat, error) {
	layout := src
	if strings.IndexByte(src, '%') >= 0 {
		var b strings.Builder
		for i := 0; i < len(src); i++ {
			if src[i] != '%' {
				b.WriteByte(src[i])
				continue
			}
			if i+1 >= len(src) {
				return nil, &SyntaxError{Flag: "--time-format", Text: src, Pos: i, Msg: "% at the end"}
			}
			v, ok := strftimeVerbs[src[i+1]]
			if !ok {
				return nil, &SyntaxError{Flag: "--time-format", Text: src, Pos: i,
					Msg: "unknown conversion %" + string(src[i+1]) + " (known: %Y %y %m %d %e %H %I %M %S %f %L %p %b %B %a %A %j %z %Z %F %T)"}
			}
			b.WriteString(v)
			i++
		}
		layout = b.String()
	}
	if !strings.Contains(layout, "02") && !strings.Contains(layout, "_2") {
		return nil, &SyntaxError{Flag: "--time-format", Text: src, Pos: 0,
			Msg: "no day in the format (strftime %d or %e, or a Go layout such as 2006-01-02 15:04:05)"}
	}
	ref := time.Date(2024, 11, 28, 13, 4, 5, 123456789, time.UTC)
	if _, err := time.Parse(layout, ref.Format(layout)); err != nil {
		return nil, &SyntaxError{Flag: "--time-format", Text: src, Pos: 0, Msg: "not a usable layout: " + err.Error()}
	}
	return &timeFormat{
		layout: layout,
		fields: strings.Count(strings.TrimSpace(strings.ReplaceAll(layout, "_2", "2")), " ") + 1,
		year:   strings.Contains(layout, "2006") || strings.Contains(layout, "06"),
	}, nil
}

// parse parses the time at the start of b (after an optional "["), taking
// as many blank-separated fields as the layout has, and returns Unix
// nanoseconds and the bytes taken, or 0.
func (f *timeFormat) parse(k *clock, b []byte) (int64, int) {
	start := 0
	if len(b) > 0 && b[0] == '[' {
		start = 1
	}
	end, fields := start, 0
	for end < len(b) && end-start < 64 {
		if b[end] == ' ' && end > start && b[end-1] != ' ' {
			fields++
			if fields == f.fields {
				break
			}
		}
		end++
	}
	s := string(b[start:end])
	t, err := time.ParseInLocation(f.layout, s, k.loc)
	if err != nil {
		// A separator after the time: "[time]", "time,", "time:" or "time|".
		trimmed := strings.TrimRight(s, "]:,|")
		if t, err = time.ParseInLocation(f.layout, trimmed, k.loc); err != nil {
			return 0, 0
		}
	}
	if !f.year {
		c := civil{month: int(t.Month()), day: t.Day(), hour: t.Hour(), min: t.Minute(), sec: t.Second(), nsec: t.Nanosecond()}
		if _, off := t.Zone(); t.Location() != k.loc {
			c.zoned, c.offset = true, off
		}
		if !k.yearless(&c) {
			return 0, 0
		}
		return k.unixNano(&c), end
	}
	return t.UnixNano(), end
}

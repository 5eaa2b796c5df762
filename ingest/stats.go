package ingest

// Stats counts what a Reader found in the lines it returned as entries.
// Lines a Reader rejected and blank lines it skipped are not counted.
type Stats struct {
	Lines     int64 // entries returned
	WithTime  int64 // lines whose own text gave a time
	WithLevel int64 // lines whose own text gave a level
	// Continued counts the lines of multi-line entries after their first
	// (stack traces, indented continuations), which took the time and
	// level of the line that started the entry.
	Continued int64
	// Layouts counts the lines per layout that gave their time or level:
	// the names of the text layouts (iso, syslog, logcat, …), "pattern"
	// for Options.Pattern, "time-format" for Options.TimeFormat, and
	// "json" or "logfmt" for structured lines.
	Layouts map[string]int64
}

// Stats returns the counts so far.
func (r *Reader) Stats() Stats {
	r.stats.flush()
	return r.stats.Stats
}

// stats is Stats with the layouts counted in a slice, which Stats turns
// into the map: a file has a few layouts, whose names are constants that
// compare in a pointer comparison, and a map update per line costs more
// than detecting the layout.
type stats struct {
	Stats
	layouts []layoutCount
}

type layoutCount struct {
	name string
	n    int64
}

// count adds a line to s.
func (s *stats) count(hasTime, hasLevel bool, layout string) {
	s.Lines++
	if hasTime {
		s.WithTime++
	}
	if hasLevel {
		s.WithLevel++
	}
	if layout != "" && (hasTime || hasLevel) {
		for i := range s.layouts {
			if s.layouts[i].name == layout {
				s.layouts[i].n++
				return
			}
		}
		s.layouts = append(s.layouts, layoutCount{layout, 1})
	}
}

// flush fills Layouts in.
func (s *stats) flush() {
	if len(s.layouts) == 0 {
		return
	}
	s.Layouts = make(map[string]int64, len(s.layouts))
	for _, l := range s.layouts {
		s.Layouts[l.name] = l.n
	}
}

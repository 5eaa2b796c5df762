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

// Stats returns the counts so far. The map is the Reader's own; the
// caller must not change it.
func (r *Reader) Stats() Stats {
	r.stats.flush()
	return r.stats.Stats
}

// stats is Stats with the count of the last layout held back: most files
// have one layout, and a map update per line costs more than detecting it.
type stats struct {
	Stats
	layout  string // of the lines counted in pending
	pending int64
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
		if layout != s.layout {
			s.flush()
			s.layout = layout
		}
		s.pending++
	}
}

// flush adds the pending count to Layouts.
func (s *stats) flush() {
	if s.pending == 0 {
		return
	}
	if s.Layouts == nil {
		s.Layouts = make(map[string]int64)
	}
	s.Layouts[s.layout] += s.pending
	s.pending = 0
}

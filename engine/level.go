package engine

import "fmt"

// Level is the severity of a line. The zero value, NoLevel, means the line
// carries no level; it is neither below nor above any other level, so it
// matches no level comparison.
type Level uint8

// The levels in severity order.
const (
	NoLevel Level = iota
	Trace
	Debug
	Info
	Warn
	Error
	Fatal
)

// NumLevels is one more than the highest Level value; arrays indexed by Level
// have this length.
const NumLevels = int(Fatal) + 1

var levelNames = [NumLevels]string{"", "Trace", "Debug", "Info", "Warn", "Error", "Fatal"}

// String returns the canonical name ("Trace" … "Fatal"), or "" for NoLevel.
func (l Level) String() string {
	if int(l) < NumLevels {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// levelAliases maps upper-cased names onto levels. It covers the names used
// by syslog, log4j, logback, Python logging, Go's slog, zap, klog and
// Android's logcat.
var levelAliases = map[string]Level{
	"TRACE": Trace, "TRC": Trace, "FINEST": Trace, "FINER": Trace, "VERBOSE": Trace, "V": Trace,
	"DEBUG": Debug, "DBG": Debug, "FINE": Debug, "D": Debug,
	"INFO": Info, "INF": Info, "INFORMATION": Info, "INFORMATIONAL": Info, "NOTICE": Info, "I": Info, "CONFIG": Info,
	"WARN": Warn, "WARNING": Warn, "WRN": Warn, "W": Warn,
	"ERROR": Error, "ERR": Error, "SEVERE": Error, "E": Error,
	"FATAL": Fatal, "FTL": Fatal, "CRITICAL": Fatal, "CRIT": Fatal, "PANIC": Fatal, "DPANIC": Fatal,
	"ALERT": Fatal, "EMERG": Fatal, "EMERGENCY": Fatal, "F": Fatal, "A": Fatal,
}

// ParseLevel maps a level name onto a Level, ignoring case. It accepts the
// canonical names and common aliases: WARNING, ERR, SEVERE, CRITICAL, NOTICE,
// the klog letters I, W, E, F and the Android letters V, D, I, W, E, F, A.
// It returns false for anything else.
func ParseLevel(s string) (Level, bool) {
	if len(s) > 13 {
		return NoLevel, false
	}
	var buf [13]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	l, ok := levelAliases[string(buf[:len(s)])]
	return l, ok
}

// MustParseLevel is like ParseLevel but panics on an unknown name. It is
// meant for constants in code and tests.
func MustParseLevel(s string) Level {
	l, ok := ParseLevel(s)
	if !ok {
		panic(fmt.Sprintf("engine: unknown level %q", s))
	}
	return l
}

// LevelNames returns the canonical level names in severity order, for help
// texts and completion.
func LevelNames() []string {
	return append([]string(nil), levelNames[1:]...)
}

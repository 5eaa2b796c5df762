package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that Android's logcat lines, threadtime and brief, give the level
// of every priority letter, and threadtime a time in the latest fitting
// year.
func TestDetectLogcat(t *testing.T) {
	runDetectTests(t, []detectTest{
		{"threadtime debug", "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken",
			at(2024, 3, 17, 16, 13, 38, 811000000), engine.Debug, "D", layoutLogcat},
		{"threadtime verbose", "03-17 16:13:38.811  1702  2395 V Tag: x", at(2024, 3, 17, 16, 13, 38, 811000000), engine.Trace, "V", layoutLogcat},
		{"threadtime info", "03-17 16:13:38.811  1702  2395 I Tag: x", at(2024, 3, 17, 16, 13, 38, 811000000), engine.Info, "I", layoutLogcat},
		{"threadtime warn", "03-17 16:13:38.811  1702  2395 W Tag: x", at(2024, 3, 17, 16, 13, 38, 811000000), engine.Warn, "W", layoutLogcat},
		{"threadtime error", "12-31 23:59:59.000 1 2 E Tag: x", at(2023, 12, 31, 23, 59, 59, 0), engine.Error, "E", layoutLogcat},
		{"threadtime fatal", "03-17 16:13:38.811  1702  2395 F DEBUG: x", at(2024, 3, 17, 16, 13, 38, 811000000), engine.Fatal, "F", layoutLogcat},
		{"threadtime assert", "03-17 16:13:38.811  1702  2395 A Tag: x", at(2024, 3, 17, 16, 13, 38, 811000000), engine.Fatal, "A", layoutLogcat},
		{"threadtime bad letter", "03-17 16:13:38.811  1702  2395 X Tag: x", none, engine.NoLevel, "", ""},
		{"brief error", "E/ActivityManager(  123): ANR in com.example", none, engine.Error, "E", layoutLogcatBrief},
		{"brief debug", "D/dalvikvm( 9090): GC_CONCURRENT freed 1K", none, engine.Debug, "D", layoutLogcatBrief},
		{"brief warn", "W/Tag(1): x", none, engine.Warn, "W", layoutLogcatBrief},
		{"not brief", "A/B testing (phase 2): done", none, engine.NoLevel, "", ""},
	})
}

package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that the bracketed times of Apache's error log, Proxifier's
// "[MM.dd HH:mm:ss]" and Rust's env_logger give time and level.
func TestDetectBracketedTimes(t *testing.T) {
	runDetectTests(t, []detectTest{
		{"Apache error", "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
			at(2005, 12, 4, 4, 47, 44, 0), engine.Error, "error", layoutApacheError},
		{"Apache notice", "[Sun Dec 04 04:47:44 2005] [notice] jk2_init() Found child 6725",
			at(2005, 12, 4, 4, 47, 44, 0), engine.Info, "notice", layoutApacheError},
		{"Apache 2.4", "[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] File does not exist",
			at(2011, 9, 9, 10, 42, 29, 902022000), engine.Error, "error", layoutApacheError},
		{"Apache bad day", "[Sun Feb 30 04:47:44 2005] [error] x", none, engine.NoLevel, "", ""},
		{"month-day", "[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy",
			at(2023, 10, 30, 16, 49, 6, 0), engine.NoLevel, "", layoutMonthDay},
		{"month-day level", "[05.30 16:49:06] [WARN] x", at(2024, 5, 30, 16, 49, 6, 0), engine.Warn, "WARN", layoutMonthDay},
		{"env_logger", "[2024-01-02T03:04:05Z ERROR my_crate] connection refused",
			at(2024, 1, 2, 3, 4, 5, 0), engine.Error, "ERROR", layoutEnvLogger},
		{"env_logger module", "[2024-01-02T03:04:05.123Z DEBUG my_crate::net] read 5 bytes",
			at(2024, 1, 2, 3, 4, 5, 123000000), engine.Debug, "DEBUG", layoutEnvLogger},
	})
}

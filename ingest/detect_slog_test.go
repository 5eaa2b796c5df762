package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that a text line in the form of Go's slog or logrus gives its
// time= and level= values.
func TestDetectSlog(t *testing.T) {
	runDetectTests(t, []detectTest{
		{"slog", "time=2024-01-02T03:04:05.000Z level=WARN msg=\"disk almost full\" free=3%",
			at(2024, 1, 2, 3, 4, 5, 0), engine.Warn, "WARN", layoutSlog},
		{"logrus", "time=\"2024-01-02T03:04:05+01:00\" level=error msg=\"x\"",
			at(2024, 1, 2, 2, 4, 5, 0), engine.Error, "error", layoutSlog},
		{"no level", "time=2024-01-02T03:04:05Z msg=x", at(2024, 1, 2, 3, 4, 5, 0), engine.NoLevel, "", layoutSlog},
		{"bad level", "time=2024-01-02T03:04:05Z level=loud msg=x", at(2024, 1, 2, 3, 4, 5, 0), engine.NoLevel, "", layoutSlog},
		{"not a time", "time=soon level=INFO", none, engine.NoLevel, "", ""},
	})
}

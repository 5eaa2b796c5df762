package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that an upper-case level word among the leading code-like fields
// of a line counts, and one in the message text does not.
func TestLevelFields(t *testing.T) {
	runLevelTests(t, "levelFields", levelFields, []levelTest{
		{"R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL FATAL data storage interrupt", engine.Fatal},
		{"node-1 RAS APP SEVERE x", engine.Error},
		{"[main] ERROR x", engine.Error},
		{"Sending ERROR report to server", engine.NoLevel},
		{"the server said: ERROR", engine.NoLevel},
		{"Connection refused, ERROR", engine.NoLevel},
		{"a b c d e f g h i j k l ERROR", engine.NoLevel},
		{"1 2 3 4 5 6 7 8 9 10 11 12 13 ERROR", engine.NoLevel},
		{"", engine.NoLevel},
	})
}

package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

type levelTest struct {
	in   string
	want engine.Level
}

func runLevelTests(t *testing.T, name string, f func([]byte) (engine.Level, []byte), tests []levelTest) {
	t.Helper()
	for _, tt := range tests {
		got, w := f([]byte(tt.in))
		ok := w != nil
		if got != tt.want || ok != (tt.want != engine.NoLevel) {
			t.Errorf("%s(%q) = %v, %v; want %v", name, tt.in, got, ok, tt.want)
		}
	}
}

// Ensure that every level word maps onto the level engine.ParseLevel
// gives it.
func TestLevelWords(t *testing.T) {
	for w, lvl := range levelWords {
		if got, ok := engine.ParseLevel(w); !ok || got != lvl {
			t.Errorf("levelWords[%q] = %v, engine.ParseLevel gives %v, %v", w, lvl, got, ok)
		}
	}
}

// Ensure that levelBracket takes Maven's and logback's bracketed levels in
// any case, and nothing else in brackets.
func TestLevelBracket(t *testing.T) {
	runLevelTests(t, "levelBracket", levelBracket, []levelTest{
		{"[INFO] Building jar", engine.Info},
		{"[ERROR] Failed to execute goal", engine.Error},
		{"[WARNING] Using platform encoding", engine.Warn},
		{"[WARN ] padded", engine.Warn},
		{"[ debug] x", engine.Debug},
		{"[Fatal]: x", engine.Fatal},
		{"[ERROR]", engine.Error},
		{"[main] INFO x", engine.NoLevel},
		{"[INFO]x", engine.NoLevel},
		{"[E] x", engine.NoLevel},
		{"[CONFIG] x", engine.NoLevel},
		{"[INFORMATIONAL] x", engine.NoLevel},
		{"[ERROR", engine.NoLevel},
	})
}

// Ensure that levelColon takes "word:" in any case before a blank and
// Python's "WARNING:root:" in upper case only.
func TestLevelColon(t *testing.T) {
	runLevelTests(t, "levelColon", levelColon, []levelTest{
		{"ERROR: Build step failed", engine.Error},
		{"error: failed to push some refs", engine.Error},
		{"Warning: Permanently added 'github.com' to known hosts", engine.Warn},
		{"SEVERE: file:/builds/workspace", engine.Error},
		{"fatal: not a git repository", engine.Fatal},
		{"INFO:", engine.Info},
		{"WARNING:root:disk almost full", engine.Warn},
		{"warning:root:x", engine.NoLevel},
		{"Note: Some input files use unchecked operations.", engine.NoLevel},
		{"E: Unable to locate package foo", engine.NoLevel},
		{"Errors: 3", engine.NoLevel},
		{"Info : spaced", engine.NoLevel},
		{"Caused by: java.io.IOException", engine.NoLevel},
	})
}

// Ensure that levelBare takes an upper-case level word as the first token
// and nothing in other cases.
func TestLevelBare(t *testing.T) {
	runLevelTests(t, "levelBare", levelBare, []levelTest{
		{"INFO KafkaConfig values:", engine.Info},
		{"WARN [ReplicaFetcherThread-0-2], Error in fetch", engine.Warn},
		{"ERROR\tx", engine.Error},
		{"TRACE", engine.Trace},
		{"Info starting", engine.NoLevel},
		{"error x", engine.NoLevel},
		{"INFORMATION x", engine.NoLevel},
		{"ERRORS 3", engine.NoLevel},
		{"I0915 x", engine.NoLevel},
		{"OK done", engine.NoLevel},
	})
}

// Ensure that levelTitle takes a title-case level word as the first token
// and nothing in other cases.
func TestLevelTitle(t *testing.T) {
	runLevelTests(t, "levelTitle", levelTitle, []levelTest{
		{"Info job=x", engine.Info},
		{"Warning low memory", engine.Warn},
		{"Debug", engine.Debug},
		{"Error\treading", engine.Error},
		{"INFO x", engine.NoLevel},
		{"InFo x", engine.NoLevel},
		{"info x", engine.NoLevel},
		{"Informed x", engine.NoLevel},
		{"Errors: 3", engine.NoLevel},
	})
}

// Ensure that levelInline finds an upper-case level word between spaces in
// the first 80 bytes only.
func TestLevelInline(t *testing.T) {
	runLevelTests(t, "levelInline", levelInline, []levelTest{
		{"[main] WARN com.example.Foo - disk almost full", engine.Warn},
		{"- root - INFO - started", engine.Info},
		{"99. WARNING in /home/runner/Foo.java (at line 3)", engine.Warn},
		{"12345 ERROR x", engine.Error},
		{"[main] Warn com.example.Foo - x", engine.NoLevel},
		{"[main] WARN", engine.NoLevel},
		{"got \"ERROR\" from server", engine.NoLevel},
		{"status=ERROR x", engine.NoLevel},
		{string(make([]byte, 80)) + " ERROR x", engine.NoLevel},
	})
}

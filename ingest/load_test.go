package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that a batch's runs count as ended once LoadEndedLines lines of
// other runs follow their last line, and not before: a run that comes back
// later in the batch, or ends too near its end, is not ended.
func TestEndedRuns(t *testing.T) {
	var batch []engine.Entry
	add := func(job string, n int) {
		for range n {
			batch = append(batch, engine.Entry{Job: job})
		}
	}
	add("a", 10)
	add("b", 5)
	add("c", LoadEndedLines)
	add("b", 1) // b comes back
	add("d", LoadEndedLines-1)
	// a and c have 1024 lines of others after them; b, back once, 1023.
	ended := endedRuns(batch)
	if len(ended) != 2 || !ended[runKey{"a", 0}] || !ended[runKey{"c", 0}] {
		t.Fatalf("ended %v, want a and c", ended)
	}
	add("e", 1)
	if ended := endedRuns(batch); len(ended) != 3 || !ended[runKey{"b", 0}] || ended[runKey{"d", 0}] {
		t.Fatalf("one line later: ended %v, want a, b and c", ended)
	}
}

package engine

import (
	"fmt"
	"strings"
)

// RunStatus is the state of a run.
type RunStatus uint8

// The run states. A run is Running from its first line (or from StartRun)
// until FinishRun ends it as Success, Failed or Canceled; StartRun may
// create it as Waiting (triggered, not started). The values are stored.
const (
	Running RunStatus = iota
	Success
	Failed
	Waiting
	Canceled
)

var runStatusNames = [...]string{Running: "running", Success: "success", Failed: "failed", Waiting: "waiting", Canceled: "canceled"}

// Finished reports whether s is a final state.
func (s RunStatus) Finished() bool { return s == Success || s == Failed || s == Canceled }

func (s RunStatus) String() string {
	if int(s) < len(runStatusNames) {
		return runStatusNames[s]
	}
	return fmt.Sprintf("RunStatus(%d)", uint8(s))
}

// ParseRunStatus maps a state name onto a RunStatus, ignoring case:
// running, success (succeeded, ok), failed (fail, failure, error), waiting
// (pending, queued), canceled (cancelled).
func ParseRunStatus(s string) (RunStatus, bool) {
	switch strings.ToLower(s) {
	case "running":
		return Running, true
	case "success", "succeeded", "ok":
		return Success, true
	case "failed", "fail", "failure", "error":
		return Failed, true
	case "waiting", "pending", "queued":
		return Waiting, true
	case "canceled", "cancelled":
		return Canceled, true
	}
	return 0, false
}

package main

import (
	"errors"
	"strings"

	"github.com/logdb/logdb/engine"
)

// retryCommand returns the command that opens the next attempt of the run
// an engine.ErrRunFinished error names, such as
// "logdb run retry --job nightly-etl", for messages that tell the user how
// to write on. The message is "…run finished: JOB/ATTEMPT ended as
// STATUS", from the store or a server; a job that cannot be read from err
// is left as JOB.
func retryCommand(err error) string {
	job := "JOB"
	if errors.Is(err, engine.ErrRunFinished) {
		if j, ok := finishedJob(err.Error()); ok {
			job = shellWord(j)
		}
	}
	return "logdb run retry --job " + job
}

// finishedJob reads the job out of an ErrRunFinished message.
func finishedJob(msg string) (string, bool) {
	// "engine: run finished: …" from the store, "logdb server: run
	// finished: …" through a server.
	_, rest, ok := strings.Cut(msg, "run finished: ")
	if !ok {
		return "", false
	}
	run, _, ok := strings.Cut(rest, " ended as ")
	if !ok {
		return "", false
	}
	i := strings.LastIndexByte(run, '/')
	if i <= 0 {
		return "", false
	}
	return run[:i], true
}

// shellWord quotes s for a POSIX shell unless it is made only of characters
// that need no quoting.
func shellWord(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// ghLogPrefix returns the length of the "job<TAB>step<TAB>" prefix that
// `gh run view --log` puts before each line of a GitHub Actions log, or 0.
// The prefix only counts when an ISO timestamp follows it, so a Java stack
// trace line ("\tat …") or a tab-separated table is left alone.
func ghLogPrefix(b []byte) int {
	i := bytes.IndexByte(b, '\t')
	if i < 0 {
		return 0
	}
	j := bytes.IndexByte(b[i+1:], '\t')
	if j < 0 {
		return 0
	}
	p := i + 1 + j + 1
	var c civil
	if parseISO(b[p:], &c) == 0 {
		return 0
	}
	return p
}

// levelGitHub detects the workflow-command markers GitHub Actions writes
// into its logs: "##[error]", "##[warning]", "##[notice]" and "##[debug]".
// Other markers ("##[group]", "##[endgroup]", "##[command]") carry no level.
func levelGitHub(s []byte) (engine.Level, bool) {
	if len(s) < 9 || s[0] != '#' || s[1] != '#' || s[2] != '[' {
		return engine.NoLevel, false
	}
	end := bytes.IndexByte(s[3:min(len(s), 13)], ']')
	if end < 0 {
		return engine.NoLevel, false
	}
	switch string(s[3 : 3+end]) {
	case "error":
		return engine.Error, true
	case "warning":
		return engine.Warn, true
	case "notice":
		return engine.Info, true
	case "debug":
		return engine.Debug, true
	}
	return engine.NoLevel, false
}

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
// into its logs: "##[error]", "##[warning]", "##[notice]" and "##[debug]",
// and the commands a step prints to raise an annotation, "::error
// file=app.js,line=1::msg", "::warning::msg" and so on. Other markers
// ("##[group]", "##[endgroup]", "##[command]", "::group::") carry no level.
// It returns the level and the marker's word.
func levelGitHub(s []byte) (engine.Level, []byte) {
	var w []byte
	switch {
	case len(s) >= 9 && s[0] == '#' && s[1] == '#' && s[2] == '[':
		end := bytes.IndexByte(s[3:min(len(s), 13)], ']')
		if end < 0 {
			return engine.NoLevel, nil
		}
		w = s[3 : 3+end]
	case len(s) >= 9 && s[0] == ':' && s[1] == ':':
		end := bytes.IndexAny(s[2:min(len(s), 12)], " :")
		if end < 0 || (s[2+end] == ':' && (2+end+1 >= len(s) || s[2+end+1] != ':')) {
			return engine.NoLevel, nil
		}
		w = s[2 : 2+end]
	default:
		return engine.NoLevel, nil
	}
	switch string(w) {
	case "error":
		return engine.Error, w
	case "warning":
		return engine.Warn, w
	case "notice":
		return engine.Info, w
	case "debug":
		return engine.Debug, w
	}
	return engine.NoLevel, nil
}

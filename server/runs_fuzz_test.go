package server

import (
	"errors"
	"strings"
	"testing"

	"github.com/logdb/logdb/engine"
)

// FuzzRunArgs feeds arbitrary inline commands to the argument parsers of
// START, FINISH and GC: they must never panic, and must refuse bad input
// with a reply error of their own (which names the bad value), never an
// error from another layer.
func FuzzRunArgs(f *testing.F) {
	for _, s := range []string{
		`START etl next KIND scheduled LABEL flow=orders LABEL "note=a b" TRIGGER 2025-03-20T10:00:00Z STARTED 1742464805000000000 STATE waiting`,
		`START j latest`, `START j 0 LABEL =v`, `START "" 0`, `START j 0 TRIGGER -1`,
		`FINISH j 0 failed 2 "oom killed" DURATION 1.5s MEMORY 128MiB`,
		`FINISH j 0 canceled EXIT 130 MESSAGE sigint ENDED 2025-03-20T10:00:02Z DURATION 2.735`,
		`FINISH j 0 success 0 DURATION`, `FINISH j 0 failed DURATION NaN`, `FINISH j 0 failed DURATION 1e300`,
		`FINISH j 0 failed MEMORY 1e300GiB`, `FINISH j 0 failed 1 msg MESSAGE x`,
		`GC MAXAGE 30d RULE "status=failed env=dev:12h" RULE status=success:forever DRYRUN`,
		`GC RULE :1d`, `GC MAXAGE 1e30d`, `GC RULE "a=1 b=2:1d"`, `GC DRYRUN DRYRUN`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args, err := splitInline([]byte(line))
		if err != nil || len(args) == 0 {
			return
		}
		switch strings.ToUpper(string(args[0])) {
		case "START":
			if len(args) >= 3 {
				spec, err := parseRunSpec(args[1:])
				checkReplyError(t, line, err)
				if err == nil && (spec.Job == "" || spec.Attempt < 0 && spec.Attempt != engine.NextAttempt) {
					t.Fatalf("%q: took %+v", line, spec)
				}
			}
		case "FINISH":
			if len(args) >= 4 {
				res, err := parseRunResult(args[3:])
				checkReplyError(t, line, err)
				if err == nil && (!res.Status.Finished() || res.Duration < 0 || res.PeakMemory < 0) {
					t.Fatalf("%q: took %+v", line, res)
				}
			}
		case "GC":
			_, _, err := parseRetention(args[1:])
			checkReplyError(t, line, err)
		}
	})
}

func checkReplyError(t *testing.T, line string, err error) {
	t.Helper()
	var re *replyError
	if err != nil && !errors.As(err, &re) {
		t.Fatalf("%q: an error of another layer: %v", line, err)
	}
}

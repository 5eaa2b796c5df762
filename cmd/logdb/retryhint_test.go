package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that the hint for a finished run names its real job, quoted for
// the shell where needed, from the error the engine returns.
func TestRetryCommand(t *testing.T) {
	db, err := engine.Open(filepath.Join(t.TempDir(), "data"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for job, want := range map[string]string{
		"nightly-etl":     "logdb run retry --job nightly-etl",
		"team/etl orders": `logdb run retry --job 'team/etl orders'`,
		"it's":            `logdb run retry --job 'it'\''s'`,
	} {
		if _, err := db.Append(ctx, engine.Entry{Job: job, Message: "x"}); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishRun(ctx, job, 0, engine.RunResult{Status: engine.Success}); err != nil {
			t.Fatal(err)
		}
		_, err := db.Append(ctx, engine.Entry{Job: job, Message: "y"})
		if !errors.Is(err, engine.ErrRunFinished) {
			t.Fatalf("%s: append after finish: %v", job, err)
		}
		if got := retryCommand(err); got != want {
			t.Errorf("%s: retryCommand(%q) = %q, want %q", job, err, got, want)
		}
	}
	if got := retryCommand(errors.New("other")); got != "logdb run retry --job JOB" {
		t.Errorf("retryCommand(other) = %q", got)
	}
}

// Ensure that finishing a finished run says how to open the next attempt,
// with the run's job filled in.
func TestCLI_RunFinish_Twice(t *testing.T) {
	env := []string{"LOGDB_DIR=" + filepath.Join(t.TempDir(), "data")}
	if r := runBin(t, "", env, "run", "start", "--job", "nightly-etl"); r.code != 0 {
		t.Fatalf("start: %d %q", r.code, r.stderr)
	}
	if r := runBin(t, "", env, "run", "finish", "--job", "nightly-etl", "--status", "success"); r.code != 0 {
		t.Fatalf("finish: %d %q", r.code, r.stderr)
	}
	r := runBin(t, "", env, "run", "finish", "--job", "nightly-etl", "--status", "failed")
	if r.code == 0 || !strings.Contains(r.stderr, "logdb run retry --job nightly-etl") {
		t.Fatalf("second finish: %d %q", r.code, r.stderr)
	}
}

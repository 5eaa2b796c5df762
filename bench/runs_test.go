package bench

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that the run workload has the advertised shape: statuses, the
// running tail, retries, RetriedJob's five attempts, labels, "timeout"
// lines, starts inside the span, and determinism.
func TestRunsWorkload_Shape(t *testing.T) {
	now := time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)
	w := RunsWorkload{Runs: 20000, Seed: 3, Now: now}
	status := map[engine.RunStatus]int{}
	attempts := map[string]int{}
	timeouts, etl, first := 0, 0, ""
	w.Generate(func(r *SyntheticRun) {
		if first == "" {
			first = r.Lines[0].Message
		}
		s := engine.Running
		if r.Result != nil {
			s = r.Result.Status
		}
		status[s]++
		if r.Spec.Attempt != attempts[r.Spec.Job] {
			t.Fatalf("%s: attempt %d after %d", r.Spec.Job, r.Spec.Attempt, attempts[r.Spec.Job])
		}
		attempts[r.Spec.Job]++
		if d := now.Sub(time.Unix(0, r.Spec.Started)); d < 0 || d > 7*24*time.Hour {
			t.Fatalf("%s started %v before now", r.Spec.Job, d)
		}
		if !slices.IsSortedFunc(r.Spec.Labels, func(a, b engine.Label) int { return strings.Compare(a.Name, b.Name) }) {
			t.Fatalf("labels not sorted: %v", r.Spec.Labels)
		}
		if v, _ := r.Spec.Labels.Get("flow"); strings.HasPrefix(v, "etl-") {
			etl++
		}
		for _, l := range r.Lines {
			if strings.Contains(l.Message, "timeout") {
				timeouts++
				break
			}
		}
	})
	pct := func(n int) float64 { return 100 * float64(n) / float64(w.Runs) }
	for s, want := range map[engine.RunStatus][2]float64{engine.Success: {74, 82}, engine.Failed: {15, 21},
		engine.Canceled: {3, 7}, engine.Running: {0.5, 0.5}} {
		if p := pct(status[s]); p < want[0] || p > want[1] {
			t.Errorf("%s: %.1f%% of runs, want %v", s, p, want)
		}
	}
	if attempts[RetriedJob] != 5 {
		t.Errorf("%s has %d attempts", RetriedJob, attempts[RetriedJob])
	}
	if p := 100 * float64(len(attempts)) / float64(w.Runs); p < 85 || p > 95 {
		t.Errorf("%d jobs for %d runs", len(attempts), w.Runs)
	}
	if p := pct(etl); p < 15 || p > 25 {
		t.Errorf("flow=etl-*: %.1f%%", p)
	}
	if p := pct(timeouts); p < 5 || p > 12 {
		t.Errorf("runs with a timeout line: %.1f%%", p)
	}
	again := ""
	w.Generate(func(r *SyntheticRun) {
		if again == "" {
			again = r.Lines[0].Message
		}
	})
	if again != first {
		t.Errorf("not deterministic: %q, then %q", first, again)
	}
}

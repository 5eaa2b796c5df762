package query

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Ensure that a query stops within a tenth of its Limits.Timeout (and a
// little scheduling slack) with a TimeoutError that says after how long,
// and that errors.Is sees context.DeadlineExceeded in it. The query, a
// "count by msg" over 100,000 different messages then a sort of its
// groups, is timed without a timeout first, and given a third of that.
func TestRun_Timeout(t *testing.T) {
	db := openDistinct(t, 100000, 60)
	q := MustParse("| count by msg | sort by msg")
	ctx := context.Background()
	run := func(l Limits) (int, error) {
		rows, err := Run(ctx, db, q, Options{Limits: l})
		if err != nil {
			return 0, err
		}
		n := 0
		for rows.Next() {
			n++
		}
		return n, rows.Close()
	}
	start := time.Now()
	if n, err := run(Limits{MaxMemory: -1}); err != nil || n != 100000 {
		t.Fatalf("without a timeout: %d rows, %v", n, err)
	}
	full := time.Since(start)
	timeout := full / 3
	start = time.Now()
	_, err := run(Limits{MaxMemory: -1, Timeout: timeout})
	took := time.Since(start)
	t.Logf("the query takes %v; with a timeout of %v it stopped after %v", full, timeout, took)
	var te *TimeoutError
	if !errors.As(err, &te) || te.After != timeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a TimeoutError after %v", err, timeout)
	}
	if want := "query timed out after " + timeout.Round(time.Millisecond).String() + ";"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start %q", err, want)
	}
	if ceiling := timeout + timeout/10 + 100*time.Millisecond; took > ceiling {
		t.Errorf("a query with a timeout of %v stopped after %v, more than %v", timeout, took, ceiling)
	}
}

// Ensure that the deadline of the context passed to Run ends the query
// with a TimeoutError too, giving the time the query had.
func TestRun_ContextDeadline(t *testing.T) {
	db := openDistinct(t, 4000, 60)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, err := Run(ctx, db, MustParse("| count by msg"), Options{Limits: Limits{Timeout: time.Nanosecond}})
	if err == nil {
		for rows.Next() {
		}
		err = rows.Close()
	}
	var te *TimeoutError
	if !errors.As(err, &te) || te.After != time.Nanosecond {
		t.Fatalf("a timeout shorter than the context's: err = %v", err)
	}

	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := Run(ctx, db, MustParse("| count by msg"), Options{}); !errors.As(err, &te) {
		t.Fatalf("a context past its deadline: err = %v, want a TimeoutError", err)
	}
}

// Ensure that sortFunc sorts as slices.SortFunc does, and that once its
// context is cancelled it stops comparing elements within sortCheckEvery
// comparisons and returns the context's error.
func TestSortFunc_Cancel(t *testing.T) {
	s := make([]int, 1<<20)
	for i := range s {
		s[i] = rand.IntN(len(s))
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls, after := 0, 0
	err := sortFunc(ctx, s, false, func(a, b int) int {
		calls++
		if calls == 100000 {
			cancel()
		}
		if calls > 100000 {
			after++
		}
		return a - b
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if after > sortCheckEvery {
		t.Errorf("%d comparisons after the cancel, want at most %d", after, sortCheckEvery)
	}
	for _, stable := range []bool{false, true} {
		s := []int{5, 3, 9, 1, 3}
		if err := sortFunc(context.Background(), s, stable, func(a, b int) int { return a - b }); err != nil || s[0] != 1 || s[4] != 9 || s[1] != 3 || s[2] != 3 {
			t.Errorf("stable=%v: %v, %v", stable, s, err)
		}
	}
}

package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

func appendN(t *testing.T, db *engine.DB, job string, attempt, from, n int) {
	t.Helper()
	var es []engine.Entry
	for i := from; i < from+n; i++ {
		lvl := engine.Info
		if i%5 == 0 {
			lvl = engine.Error
		}
		es = append(es, engine.Entry{Job: job, Attempt: attempt, Message: fmt.Sprintf("%s/%d line %d", job, attempt, i), Level: lvl, Time: int64(i)})
	}
	if _, err := db.Append(context.Background(), es...); err != nil {
		t.Fatal(err)
	}
}

// Ensure that a cursor continues a read where it stopped, also after the run
// grew, never skipping or repeating a line, and that a level filter counts
// only matching lines towards Count.
func TestDB_ReadLines_Cursor(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, &engine.Options{BlockLines: 8})
	appendN(t, db, "j", 0, 1, 30)

	p, err := db.ReadLines(ctx, engine.ReadRequest{Job: "j", From: 10, Count: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 7 || p.Entries[0].Line != 10 || p.Entries[6].Line != 16 || p.IsEnd || p.LineCount != 30 {
		t.Fatalf("page 1: %d entries from %d, IsEnd %v, LineCount %d", len(p.Entries), p.Entries[0].Line, p.IsEnd, p.LineCount)
	}
	p, err = db.ReadLines(ctx, engine.ReadRequest{Cursor: p.Cursor, Count: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 14 || p.Entries[0].Line != 17 || !p.IsEnd {
		t.Fatalf("page 2: %d entries from %d, IsEnd %v", len(p.Entries), p.Entries[0].Line, p.IsEnd)
	}
	// The run grows; the cursor at the end picks up the new lines only.
	appendN(t, db, "j", 0, 31, 5)
	p, err = db.ReadLines(ctx, engine.ReadRequest{Cursor: p.Cursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 5 || p.Entries[0].Line != 31 || !p.IsEnd || p.LineCount != 35 {
		t.Fatalf("page 3: %d entries, IsEnd %v, LineCount %d", len(p.Entries), p.IsEnd, p.LineCount)
	}

	// Level filter: errors are lines 5, 10, 15, …
	p, err = db.ReadLines(ctx, engine.ReadRequest{Job: "j", From: 6, Count: 3, Filter: engine.LevelIs(engine.Error)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 3 || p.Entries[0].Line != 10 || p.Entries[2].Line != 20 || p.IsEnd {
		t.Fatalf("errors: %v IsEnd %v", p.Entries, p.IsEnd)
	}
	p, err = db.ReadLines(ctx, engine.ReadRequest{Cursor: p.Cursor, Filter: engine.LevelIs(engine.Error)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 3 || p.Entries[0].Line != 25 || !p.IsEnd {
		t.Fatalf("errors page 2: %v IsEnd %v", p.Entries, p.IsEnd)
	}

	// Reading past the end is empty and at the end.
	p, err = db.ReadLines(ctx, engine.ReadRequest{Job: "j", From: 1000})
	if err != nil || len(p.Entries) != 0 || !p.IsEnd {
		t.Fatalf("past the end: %v %v %v", p, err, p != nil && p.IsEnd)
	}
}

// Ensure that Latest and negative attempts resolve against the newest
// attempt, and that missing runs and bad cursors are errors.
func TestDB_ReadLines_Attempts(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	for a := 0; a < 3; a++ {
		appendN(t, db, "j", a, 1, 2)
	}
	for _, tc := range []struct{ attempt, want int }{{engine.Latest, 2}, {-1, 1}, {-2, 0}, {1, 1}} {
		p, err := db.ReadLines(ctx, engine.ReadRequest{Job: "j", Attempt: tc.attempt})
		if err != nil {
			t.Fatal(err)
		}
		if p.Attempt != tc.want || p.Entries[0].Message != fmt.Sprintf("j/%d line 1", tc.want) {
			t.Errorf("attempt %d read attempt %d (%q), want %d", tc.attempt, p.Attempt, p.Entries[0].Message, tc.want)
		}
	}
	for _, r := range []engine.ReadRequest{{Job: "j", Attempt: -3}, {Job: "j", Attempt: 7}, {Job: "nope"}} {
		if _, err := db.ReadLines(ctx, r); !errors.Is(err, engine.ErrRunNotFound) {
			t.Errorf("ReadLines(%+v) = %v, want ErrRunNotFound", r, err)
		}
	}
	for _, c := range []string{"x", "AQ", "AQAAAAAAAAAAAQE"} {
		if _, err := db.ReadLines(ctx, engine.ReadRequest{Cursor: c}); !errors.Is(err, engine.ErrBadCursor) {
			t.Errorf("cursor %q: %v, want ErrBadCursor", c, err)
		}
	}
	// A cursor from another store is refused.
	other := testutil.MustOpenDB(t, nil)
	appendN(t, other, "j", 0, 1, 2)
	p, err := other.ReadLines(ctx, engine.ReadRequest{Job: "j", Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReadLines(ctx, engine.ReadRequest{Cursor: p.Cursor}); !errors.Is(err, engine.ErrBadCursor) {
		t.Errorf("foreign cursor: %v, want ErrBadCursor", err)
	}
}

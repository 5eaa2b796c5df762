package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/logdb/logdb/engine"
)

// interleaved returns JSON lines of runs a, b and c: a and b take turns
// for 3000 lines, c follows with 700 lines and a comes back for 10.
func interleaved() (string, map[string][]string) {
	var sb strings.Builder
	want := map[string][]string{}
	add := func(job string) {
		msg := fmt.Sprintf("%s line %d", job, len(want[job])+1)
		want[job] = append(want[job], msg)
		fmt.Fprintf(&sb, `{"job":%q,"msg":%q}`+"\n", job, msg)
	}
	for i := range 3000 {
		add([]string{"a", "b"}[i%2])
	}
	for range 700 {
		add("c")
	}
	for range 10 {
		add("a")
	}
	return sb.String(), want
}

// Ensure that Load keeps each run's lines in input order while it holds
// them back to fill blocks, seals every run at the end, and, with a small
// buffer, still loads every line in order.
func TestLoader_HoldsRunsBack(t *testing.T) {
	for _, buf := range []int{0, 4 << 10} {
		t.Run(fmt.Sprintf("buffer=%d", buf), func(t *testing.T) {
			ctx := context.Background()
			db, err := engine.Open(t.TempDir(), &engine.Options{NoIndexer: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			input, want := interleaved()
			l := &Loader{DB: db, BufferBytes: buf}
			if err := l.Load(ctx, NewReader(strings.NewReader(input), "runs.jsonl", Options{Format: FormatJSON})); err != nil {
				t.Fatal(err)
			}
			if l.Stored() != 3710 || l.Runs() != 3 {
				t.Fatalf("stored %d lines in %d runs, want 3710 in 3", l.Stored(), l.Runs())
			}
			for job, msgs := range want {
				page, err := db.ReadLines(ctx, engine.ReadRequest{Job: job, Attempt: 0})
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Entries) != len(msgs) {
					t.Fatalf("%s: read %d lines, want %d", job, len(page.Entries), len(msgs))
				}
				for i, e := range page.Entries {
					if e.Message != msgs[i] || e.Line != int64(i+1) {
						t.Fatalf("%s: line %d is %d %q, want %q", job, i+1, e.Line, e.Message, msgs[i])
					}
				}
			}
			st, err := db.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.UnsealedLines != 0 {
				t.Fatalf("%d lines left unsealed after the load", st.UnsealedLines)
			}
		})
	}
}

// Ensure that the holder releases a run's lines when they fill a block,
// and, to be sealed, once LoadEndedLines lines of other runs follow them.
func TestHolder(t *testing.T) {
	h := newHolder(engine.Options{BlockLines: 4, BlockBytes: 1 << 20}, 1<<20)
	pos := int64(0)
	add := func(job string, n int) {
		for range n {
			h.add(engine.Entry{Job: job, Message: "x"}, pos)
			pos++
		}
	}
	add("a", 3)
	if len(h.batch) != 0 {
		t.Fatalf("released %d lines of a run that fills no block", len(h.batch))
	}
	add("a", 1)
	if len(h.batch) != 4 || h.ended[runKey{"a", 0}] {
		t.Fatalf("released %d lines (ended %v), want a's block of 4, not ended", len(h.batch), h.ended)
	}
	add("b", 1)
	h.releaseQuiet(pos + LoadEndedLines - 1)
	if len(h.batch) != 4 {
		t.Fatalf("released b %d lines before it was quiet", len(h.batch)-4)
	}
	h.releaseQuiet(pos + LoadEndedLines - 1 + 1)
	if len(h.batch) != 5 || !h.ended[runKey{"b", 0}] || h.bytes != 0 {
		t.Fatalf("released %d lines, ended %v, %d bytes held; want b's line released to be sealed", len(h.batch), h.ended, h.bytes)
	}
	b := h.take(false)
	if len(b.entries) != 5 || len(h.batch) != 0 || len(h.ended) != 0 {
		t.Fatalf("take: %d entries, %d left, ended %v", len(b.entries), len(h.batch), h.ended)
	}
}

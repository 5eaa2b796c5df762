package engine

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Ensure that a word filter holds every word put in it, that it rules out
// nearly all others (at most 0.2% false positives, 0.05% expected), and that
// a damaged one is refused.
func TestWordFilter(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	in := make([]uint64, 700)
	for i := range in {
		in[i] = r.Uint64()
	}
	v := buildWordFilter(42, in)
	f, err := decodeWordFilter(v)
	if err != nil {
		t.Fatal(err)
	}
	if f.seq != 42 {
		t.Fatalf("seq %d, want 42", f.seq)
	}
	for _, h := range in {
		if !f.mayHold([]uint64{h}) {
			t.Fatalf("filter lost %x", h)
		}
	}
	if !f.mayHold(in[:5]) {
		t.Fatal("filter lost a set of its words")
	}
	fp := 0
	const tries = 200000
	for i := 0; i < tries; i++ {
		if f.mayHold([]uint64{r.Uint64()}) {
			fp++
		}
	}
	if fp > tries/500 {
		t.Errorf("%d false positives in %d, want at most %d", fp, tries, tries/500)
	}
	v[len(v)/2] ^= 1
	if _, err := decodeWordFilter(v); err == nil {
		t.Error("a damaged filter was decoded")
	}
	if f, err := decodeWordFilter(buildWordFilter(1, nil)); err != nil || f.mayHold([]uint64{in[0]}) {
		t.Errorf("empty filter: %v, holds a word", err)
	}
}

// idLine is line n of run job: each line has an id of its own, id-like
// (hex with digits), a session key whose letters come first, and a time in
// milliseconds (a short word that starts with a digit).
func idLine(job string, n int) string {
	return fmt.Sprintf("GET /x 200 req_id=%016x session abcdef%dz done in %dms", idOf(job, n), n, n)
}

func idOf(job string, n int) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range job {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return (h ^ uint64(n)) * 1099511628211
}

// Ensure that queries for id-like words, which the word filters answer
// instead of the index, find exactly the lines holding them, read few
// blocks, and stay correct for a phrase ending inside such a word, for a
// filter of an older seal, and after the index is rebuilt.
func TestDB_WordFilterQueries(t *testing.T) {
	ctx := context.Background()
	db, err := Open(t.TempDir(), &Options{NoSync: true, BlockLines: 32, SealAfter: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Enough blocks for several granules (see granuleBlocks).
	const runs, lines = 60, 200
	for j := 0; j < runs; j++ {
		job := fmt.Sprintf("job-%d", j)
		es := make([]Entry, lines)
		for i := range es {
			es[i] = Entry{Job: job, Time: int64(j*lines + i + 1), Message: idLine(job, i+1)}
		}
		if _, err := db.Append(ctx, es...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Append(ctx, Entry{Job: "needle", Time: 1, Message: "a needle in a haystack"}); err != nil {
		t.Fatal(err)
	}
	for j := 0; j < runs; j++ {
		if _, err := db.Append(ctx, Entry{Job: fmt.Sprintf("hay-%d", j), Time: 1, Message: "just hay"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}

	find := func(f Filter) []string {
		t.Helper()
		it, err := db.Query(ctx, f, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer it.Close()
		var out []string
		for it.Next() {
			e := it.Entry()
			out = append(out, fmt.Sprintf("%s:%d", e.Job, e.Line))
		}
		if err := it.Err(); err != nil {
			t.Fatal(err)
		}
		sort.Strings(out)
		return out
	}
	candidates := func(f Filter) int {
		t.Helper()
		p, err := compile(f)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.bdb.View(func(txn *badger.Txn) error {
			cs, err := db.candidates(ctx, txn, p)
			n = len(cs)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}

	blocks := runs * lines / 32
	for _, c := range []struct{ job, line int }{{0, 1}, {7, 100}, {19, 200}} {
		job := fmt.Sprintf("job-%d", c.job)
		id := fmt.Sprintf("%016x", idOf(job, c.line))
		want := fmt.Sprintf("%s:%d", job, c.line)
		for _, f := range []Filter{
			WordFilter{Word: id},
			WordFilter{Word: strings.ToUpper(id)},
			WordFilter{Word: "req_id=" + id},
			PhraseFilter{Text: "200 req_id=" + id + " session"},
			AndFilter{WordFilter{Word: id}, WordFilter{Word: "get"}},
		} {
			if got := find(f); len(got) != 1 || got[0] != want {
				t.Errorf("%#v: %v, want [%s]", f, got, want)
			}
			if n := candidates(f); n > 2 {
				t.Errorf("%#v: %d of %d blocks are candidates, want 1 (2 with a false positive)", f, n, blocks)
			}
		}
	}
	// A phrase that ends inside an id-like word: the prefix before its
	// first digit is in the index.
	if got := find(PhraseFilter{Text: "session abcde"}); len(got) != runs*lines {
		t.Errorf("phrase ending inside an id-like word: %d lines, want %d", len(got), runs*lines)
	}
	if got := find(PhraseFilter{Text: "session abcdef17z"}); len(got) != runs {
		t.Errorf("phrase with an id-like word: %d lines, want %d", len(got), runs)
	}
	if got := find(WordFilter{Word: "0123456789abcdef"}); len(got) != 0 {
		t.Errorf("an id nobody logged: %v", got)
	}
	// A number with a unit, shorter than an id, is in the index: one line
	// per run, counted exactly.
	if got := find(WordFilter{Word: "117ms"}); len(got) != runs {
		t.Errorf("117ms: %d lines, want %d", len(got), runs)
	}
	// One granule of the index holds needle (with the one-line runs
	// sealed with it): its blocks are the candidates.
	if n := candidates(WordFilter{Word: "needle"}); n == 0 || n > granuleBlocks || n > blocks/2 {
		t.Errorf("needle: %d of %d blocks are candidates, want 1 to %d", n, blocks, min(granuleBlocks, blocks/2))
	}
	if n, err := db.Count(ctx, WordFilter{Word: "117MS"}); err != nil || n != runs {
		t.Errorf("count 117MS = %d, %v; want %d", n, err, runs)
	}

	// A filter of another seal of its block is not trusted.
	id := blockID{run: 1, first: 1}
	if err := db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(blockKey(pfxFilter, id.run, id.first), buildWordFilter(1<<40, nil))
	}); err != nil {
		t.Fatal(err)
	}
	job0 := fmt.Sprintf("%016x", idOf("job-0", 1))
	if got := find(WordFilter{Word: job0}); len(got) != 1 {
		t.Errorf("with a stale filter: %v, want job-0:1", got)
	}

	if err := db.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if got := find(WordFilter{Word: job0}); len(got) != 1 {
		t.Errorf("after reindex: %v, want job-0:1", got)
	}
	if n := candidates(WordFilter{Word: job0}); n > 2 {
		t.Errorf("after reindex: %d candidates", n)
	}
}

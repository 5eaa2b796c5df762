package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// damageValue flips one bit of the value under key, as a rotting disk
// would, below every layer of logdb.
func damageValue(t *testing.T, db *DB, key []byte) {
	t.Helper()
	err := db.bdb.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		v[len(v)/2] ^= 0x10
		return txn.Set(key, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.blocks = newBlockCache(-1) // forget decoded blocks
}

func openDamageTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.TempDir(), &Options{BlockLines: 100, DiskReserve: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	var es []Entry
	for i := 1; i <= 500; i++ {
		es = append(es, Entry{Job: "j", Time: int64(i), Level: Info, Message: fmt.Sprintf("line %d", i)})
	}
	if _, err := db.Append(ctx, es...); err != nil {
		t.Fatal(err)
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// wantLines checks that es are exactly the lines numbered want, in order.
func wantLines(t *testing.T, what string, es []Entry, want []int64) {
	t.Helper()
	if len(es) != len(want) {
		t.Fatalf("%s: %d lines, want %d", what, len(es), len(want))
	}
	for i, e := range es {
		if e.Line != want[i] || e.Message != fmt.Sprintf("line %d", want[i]) {
			t.Fatalf("%s: line %d is %d %q, want %d", what, i, e.Line, e.Message, want[i])
		}
	}
}

func lineRange(from, to int64, except ...[2]int64) []int64 {
	var out []int64
next:
	for l := from; l <= to; l++ {
		for _, x := range except {
			if l >= x[0] && l <= x[1] {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}

func wantDamage(t *testing.T, what string, err error, first, last int64) {
	t.Helper()
	var d *DamageError
	if !errors.As(err, &d) || !errors.Is(err, ErrDamaged) {
		t.Fatalf("%s: err = %v, want a DamageError", what, err)
	}
	if len(d.Ranges) != 1 || d.Ranges[0].First != first || d.Ranges[0].Last != last || d.Ranges[0].Job != "j" {
		t.Fatalf("%s: damage %v, want lines %d-%d of j/0", what, d.Ranges, first, last)
	}
}

// Ensure that a block failing its checksum is never decoded into lines:
// reads return the lines before and after it and name its range, queries
// return the other blocks' lines and name it, counts leave it out once it
// is known and say so, and the run can still be deleted.
func TestDB_DamagedBlock(t *testing.T) {
	ctx := context.Background()
	db := openDamageTest(t)
	damageValue(t, db, blockKey(pfxBlock, 1, 201))

	p, err := db.ReadLines(ctx, ReadRequest{Job: "j"})
	wantDamage(t, "read", err, 201, 300)
	wantLines(t, "read", p.Entries, lineRange(1, 500, [2]int64{201, 300}))
	if !p.IsEnd {
		t.Fatal("read: not at the end")
	}

	// A page that fills in front of the damage, and the next one, which
	// steps over it.
	p, err = db.ReadLines(ctx, ReadRequest{Job: "j", From: 150, Count: 51})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, "read page", p.Entries, lineRange(150, 200))
	p, err = db.ReadLines(ctx, ReadRequest{Cursor: p.Cursor, Count: 2})
	wantDamage(t, "next page", err, 201, 300)
	wantLines(t, "next page", p.Entries, lineRange(301, 302))

	it, err := db.Query(ctx, Word("line"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []Entry
	for it.Next() {
		got = append(got, *it.Entry())
	}
	wantDamage(t, "query", it.Close(), 201, 300)
	wantLines(t, "query", got, lineRange(1, 500, [2]int64{201, 300}))

	n, err := db.Count(ctx, nil)
	wantDamage(t, "count", err, 201, 300)
	if n != 400 {
		t.Fatalf("count = %d, want 400 (the lines a read returns)", n)
	}

	if err := db.DeleteRun(ctx, "j", 0); err != nil {
		t.Fatalf("delete a damaged run: %v", err)
	}
	if n, err := db.Count(ctx, nil); n != 0 || err != nil {
		t.Fatalf("after delete: count %d, %v", n, err)
	}
}

// Ensure that a damaged summary makes the lines it describes a named gap,
// not a wrong count or an aborted read.
func TestDB_DamagedSummary(t *testing.T) {
	ctx := context.Background()
	db := openDamageTest(t)
	damageValue(t, db, blockKey(pfxSummary, 1, 401))

	p, err := db.ReadLines(ctx, ReadRequest{Job: "j"})
	wantDamage(t, "read", err, 401, 500)
	wantLines(t, "read", p.Entries, lineRange(1, 400))

	if _, err := db.Count(ctx, nil); !errors.Is(err, ErrDamaged) {
		t.Fatalf("count: %v, want an error naming the damage", err)
	}
}

// Ensure that a range of lines no block holds (a block lost with a
// truncated file) is reported, not skipped.
func TestDB_MissingBlock(t *testing.T) {
	ctx := context.Background()
	db := openDamageTest(t)
	err := db.bdb.Update(func(txn *badger.Txn) error {
		if err := txn.Delete(blockKey(pfxSummary, 1, 101)); err != nil {
			return err
		}
		return txn.Delete(blockKey(pfxSummary, 1, 401))
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.ReadLines(ctx, ReadRequest{Job: "j"})
	var d *DamageError
	if !errors.As(err, &d) || len(d.Ranges) != 2 || d.Ranges[0].First != 101 || d.Ranges[0].Last != 200 ||
		d.Ranges[1].First != 401 || d.Ranges[1].Last != 500 {
		t.Fatalf("read: %v", err)
	}
	wantLines(t, "read", p.Entries, lineRange(1, 400, [2]int64{101, 200}))
}

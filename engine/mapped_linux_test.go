package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Ensure that a query scanning more blocks than Options.MappedMemory keeps
// the pages it maps under the budget by itself, in a read-only DB, which
// runs no background check: without the read tally, the scan below kept
// all of its about 40 MB resident.
func TestDB_ScanKeepsMappedPagesUnderBudget(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(dir, &Options{NoSync: true, MappedMemory: -1, SealAfter: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// Random text compresses little, so the blocks are about as large as
	// their messages.
	raw := make([]byte, 1500)
	var es []Entry
	for i := range 40_000 {
		rand.Read(raw)
		es = append(es, Entry{Job: fmt.Sprint("scan", i/10_000), Message: base64.StdEncoding.EncodeToString(raw)[:1000], Time: int64(i + 1)})
		if len(es) == 1000 {
			if _, err := db.Append(ctx, es...); err != nil {
				t.Fatal(err)
			}
			es = es[:0]
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Without the index, the phrase is looked for in every block.
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}

	const budget = 8 << 20
	db, err = Open(dir, &Options{ReadOnly: true, MappedMemory: budget})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	releaseMapped(dir)
	before := fileResident()
	it, err := db.Query(ctx, PhraseFilter{Text: "no such phrase"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for it.Next() {
		t.Fatalf("unexpected hit %q", it.Entry().Message)
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	it.Close()
	if grew := fileResident() - before; grew > 2*budget {
		t.Fatalf("mapped pages grew by %d MiB during the scan, budget %d MiB", grew>>20, budget>>20)
	}
}

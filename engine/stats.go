package engine

import (
	"context"
	"io/fs"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
)

// Stats describes a DB.
type Stats struct {
	Runs  int64 // runs
	Jobs  int64 // distinct jobs
	Lines int64 // lines in all runs
	Bytes int64 // message bytes, counting one newline per line

	Blocks        int64 // sealed blocks
	Chunks        int64 // unsealed chunks in run tails
	UnsealedLines int64 // lines in run tails

	DiskBytes  int64 // bytes on disk under the data directory, index included, and the active logs' preallocation (see DiskUsage)
	IndexBytes int64 // bytes on disk of the full-text index

	// IndexReady reports whether the full-text index is in use; while it
	// is being built, queries scan.
	IndexReady bool
	// IndexLag is the number of sealed-block changes not yet in the index.
	IndexLag int64
	// IndexDocs is the number of documents in the index: granules of a few
	// consecutive blocks each.
	IndexDocs int64
}

// Stats counts the runs, lines and blocks of the DB and measures its size on
// disk.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	if err := db.checkOpen(); err != nil {
		return st, err
	}
	db.openIndexReadOnly()
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxRun}, PrefetchValues: true})
		defer it.Close()
		jobs := map[string]struct{}{}
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var rec runRecord
			if err := it.Item().Value(func(v []byte) (err error) {
				rec, err = decodeRunRecord(v)
				return err
			}); err != nil {
				return err
			}
			st.Runs++
			st.Lines += rec.lines
			st.Bytes += rec.bytes
			jobs[rec.job] = struct{}{}
		}
		st.Jobs = int64(len(jobs))
		it.Close()

		it = txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxSummary}, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			s, err := itemSummary(it.Item())
			if err != nil {
				return err
			}
			if s.sealed {
				st.Blocks++
			} else {
				st.Chunks++
				st.UnsealedLines += int64(s.count)
			}
		}
		it.Close()

		next, err := getUvarint(txn, metaNextSeq)
		if err != nil {
			return err
		}
		if w := db.ix.indexed.Load(); next-1 > w {
			st.IndexLag = int64(next - 1 - w)
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	st.IndexReady = db.ix.ready.Load()
	if ix := db.ix.index.Load(); ix != nil {
		if n, err := ix.DocCount(); err == nil {
			st.IndexDocs = int64(n)
		}
	}
	if db.opts.NoIndexer {
		st.IndexLag = 0
	}
	st.DiskBytes = dirSize(db.dir)
	st.IndexBytes = dirSize(db.indexDir())
	return st, nil
}

// DiskUsage returns the bytes on disk under dir, a data directory, as
// allocated. Measure a closed store: an open one also holds its active
// write-ahead and value logs allocated in full ahead of the writes (64 MiB
// with the default options; see prealloc.go), which Stats.DiskBytes counts.
func DiskUsage(dir string) int64 { return dirSize(dir) }

// dirSize sums the sizes of the files under dir, as allocated on disk
// where the platform tells.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			n += allocatedSize(info)
		}
		return nil
	})
	return n
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Blocks live in Badger's value log (see Open). Rewriting a run's tail as
// it grows and seals leaves the old chunks there as garbage, so the value
// log is garbage-collected: in the background every gcInterval, rewriting
// files at least half garbage, and by Compact, down to a tenth.
const gcInterval = 5 * time.Minute

// gcLoop collects value-log garbage and deletes expired runs (see
// retention.go) in the background.
func (db *DB) gcLoop() {
	defer db.wg.Done()
	tick := time.NewTicker(gcInterval)
	defer tick.Stop()
	var retention <-chan time.Time
	if db.opts.GCInterval > 0 {
		rt := time.NewTicker(db.opts.GCInterval)
		defer rt.Stop()
		retention = rt.C
	}
	for {
		select {
		case <-db.ctx.Done():
			return
		case <-retention:
			db.gcRetention()
		case <-tick.C:
			if err := db.collectGarbage(db.ctx, 0.5); err != nil && db.ctx.Err() == nil {
				db.logger().Error("value-log garbage collection", "err", err)
			}
		}
	}
}

// compactStore compacts Badger's LSM tree into one level and then collects
// value-log garbage down to a tenth. Badger learns which value-log bytes are
// garbage only when compactions drop the keys pointing at them, and it has
// no call to flush its memtable so that they can be; DropPrefix flushes it
// before dropping, so dropping a key written for the purpose does.
func (db *DB) compactStore(ctx context.Context) error {
	if err := db.disk.admit("compact the store", 2*db.opts.MemTableSize); err != nil {
		return err
	}
	marker := metaKey("compact-marker")
	if err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Set(marker, nil) }); err != nil {
		return fmt.Errorf("cannot compact store: %w", err)
	}
	if err := db.bdb.DropPrefix(marker); err != nil {
		return fmt.Errorf("cannot compact store: %w", err)
	}
	if err := db.bdb.Flatten(2); err != nil {
		return fmt.Errorf("cannot compact store: %w", err)
	}
	return db.collectGarbage(ctx, 0.1)
}

// collectGarbage rewrites value-log files with at least the given share of
// garbage until none is left.
func (db *DB) collectGarbage(ctx context.Context, ratio float64) error {
	for i := 0; i < 1000; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !db.disk.room() {
			return nil // rewriting a value-log file needs room; it can wait
		}
		err := db.bdb.RunValueLogGC(ratio)
		// A rewrite reads a whole value-log file, up to 128 MiB, through
		// its map: give its pages back before the next one.
		db.releaseMappedNow()
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot collect value-log garbage: %w", err)
		}
	}
	return nil
}

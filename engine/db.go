package engine

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// DB is an open logdb data directory. It is safe for concurrent use by
// multiple goroutines.
//
// The directory holds:
//
//	LOCK     the process lock (see lock.go)
//	data/    the Badger store: runs, blocks, summaries (the source of truth)
//	index/   the Bleve block index (derived; rebuilt when missing or stale)
type DB struct {
	dir    string
	opts   *Options
	lock   *dirLock
	bdb    *badger.DB
	codec  *codec
	blocks *blockCache // decoded sealed blocks for reads; nil if off
	disk   *diskGuard  // refuses writes that would fill the disk
	mapped mappedTally // bytes read through memory maps since the last check
	id     uint64      // random store ID; cursors carry it

	// mu serializes writers (Append, sealing, retention) and guards the
	// fields in it. Readers never take it for long: they read Badger
	// snapshots.
	mu struct {
		sync.Mutex
		closed  bool
		nextRun uint64
		nextSeq uint64
		runs    map[runName]*runState
		byID    map[uint64]*runState
		tails   map[uint64]*runState // runs with an unsealed tail
		latest  map[string]int       // job → latest attempt, for jobs looked up
		changed chan struct{}        // closed and replaced by each commit that appends or finishes; see Changes
		// jobChanged holds the channels of JobChanges, by job: closed and
		// removed by the next commit that changes the job's runs.
		jobChanged map[string]chan struct{}
		// changeSeq counts the commits that changed runs; jobSeq holds, per
		// job changed since Open, the count at its last change. See
		// ChangedJobs.
		changeSeq uint64
		jobSeq    map[string]uint64
	}

	// names caches run ID → name for readers; it never changes for an ID.
	// nameMisses counts the lookups it missed (see loadNames).
	names      sync.Map // uint64 → runName
	nameMisses atomic.Int64

	ix          indexState
	sealTrouble trouble         // the seal loop's failures, logged once each
	lastAppend  atomic.Int64    // wall time of the last Append, Unix ns; see indexIdle
	ctx         context.Context // cancelled by Close
	cancel      context.CancelFunc
	wg          sync.WaitGroup
	closing     atomic.Bool
}

// Open opens the database in dir, creating it if needed. A nil opts uses
// DefaultOptions. Only one process may open a directory at a time; another
// gets an error wrapping ErrLocked that names the holder's pid.
func Open(dir string, opts *Options) (*DB, error) {
	opts = opts.clone()
	opts.ensureDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	db := &DB{dir: dir, opts: opts, lock: lock}
	if err := db.open(); err != nil {
		db.closeFiles()
		return nil, err
	}
	db.ctx, db.cancel = context.WithCancel(context.Background())
	db.ix.init()
	if opts.ReadOnly {
		return db, nil // no background work; see readonly.go
	}
	db.wg.Add(2)
	go db.sealLoop()
	go db.gcLoop()
	if db.opts.MappedMemory > 0 {
		db.wg.Add(1)
		go db.mappedLoop()
	}
	db.startIndexer()
	return db, nil
}

func (db *DB) open() error {
	var err error
	db.codec, err = newCodec()
	if err != nil {
		return err
	}
	db.blocks = newBlockCache(db.opts.BlockCacheBytes)
	dataDir := filepath.Join(db.dir, "data")
	db.disk = newDiskGuard(db.dir, db.opts.DiskReserve, db.indexMergeRoom)
	mark, err := readOpenMark(db.dir)
	if err != nil {
		return err
	}
	if err := db.canOpenReadOnly(dataDir, mark); err != nil {
		return err
	}
	if err := checkBadgerFiles(dataDir, mark, db.opts.ReadOnly); err != nil {
		return err
	}
	free, err := freeBytes(db.dir)
	if err != nil {
		free = 0 // the smallest value-log files
	}
	bo := badger.DefaultOptions(dataDir).
		WithSyncWrites(!db.opts.NoSync).
		WithLogger(badgerLogger{db.opts.Logger}).
		WithCompression(options.None).
		WithMemTableSize(db.opts.MemTableSize).
		WithNumMemtables(3).
		// Tail chunks are rewritten as they merge and seal, so flushed
		// memtables hold dead versions; compacting level 0 early drops them
		// (a 1M-line load settles at 25 bytes of blocks per line, not 45).
		WithNumLevelZeroTables(1).
		WithNumLevelZeroTablesStall(10).
		WithNumCompactors(2).
		WithBlockCacheSize(0).
		WithValueLogFileSize(valueLogFileSize(free)). // see vlogsize.go
		// Blocks go to the value log and only keys and summaries to the
		// LSM tree, so that compactions move pointers, not blocks: with
		// blocks in the tree, compacting a 1M-line load took 140 MiB of
		// table-builder memory. The price is garbage in the value log
		// when tails are rewritten; see gc.go.
		WithValueThreshold(1 << 10).
		WithDetectConflicts(false).
		WithMetricsEnabled(false).
		WithReadOnly(db.opts.ReadOnly)
	// Badger returns a half-open DB with some errors; closing it panics.
	bdb, err := badger.Open(bo)
	if db.opts.ReadOnly && errors.Is(err, badger.ErrTruncateNeeded) {
		return fmt.Errorf("%w: %s has a write-ahead log to replay", ErrNeedsWrite, db.dir)
	}
	if err != nil {
		return fmt.Errorf("cannot open store in %s: %w (if a file of it is damaged: %s)", db.dir, classifyIOError(err), openDamageHint)
	}
	db.bdb = bdb
	if !db.opts.ReadOnly {
		if db.disk.logs, err = newLogReserver(dataDir); err != nil {
			return fmt.Errorf("cannot open store in %s: %w", db.dir, err)
		}
		if err := writeOpenMark(db.dir, markOpen); err != nil {
			return err
		}
	}
	if err := db.loadMeta(); err != nil {
		return err
	}
	db.mu.runs = map[runName]*runState{}
	db.mu.byID = map[uint64]*runState{}
	db.mu.tails = map[uint64]*runState{}
	db.mu.latest = map[string]int{}
	db.mu.changed = make(chan struct{})
	db.mu.jobChanged = map[string]chan struct{}{}
	db.mu.jobSeq = map[string]uint64{}
	return db.loadTails()
}

// loadMeta reads the store metadata, writing it for a new store.
func (db *DB) loadMeta() error {
	txn := db.bdb.Update
	if db.opts.ReadOnly {
		txn = db.bdb.View
	}
	return txn(func(txn *badger.Txn) error {
		v, err := getUvarint(txn, metaFormat)
		switch {
		case errors.Is(err, badger.ErrKeyNotFound) && db.opts.ReadOnly:
			return fmt.Errorf("%w: %s holds no store yet", ErrNeedsWrite, db.dir)
		case errors.Is(err, badger.ErrKeyNotFound):
			var id [8]byte
			if _, err := rand.Read(id[:]); err != nil {
				return err
			}
			db.id = binary.BigEndian.Uint64(id[:])
			db.mu.nextRun, db.mu.nextSeq = 1, 1
			for _, kv := range []struct {
				k []byte
				v []byte
			}{
				{metaFormat, binary.AppendUvarint(nil, formatVersion)},
				{metaID, id[:]},
				{metaNextRun, binary.AppendUvarint(nil, 1)},
				{metaNextSeq, binary.AppendUvarint(nil, 1)},
			} {
				if err := txn.Set(kv.k, kv.v); err != nil {
					return err
				}
			}
			return nil
		case err != nil:
			return fmt.Errorf("cannot read store metadata: %w", err)
		case v != formatVersion:
			return fmt.Errorf("%w: %s has format %d, this logdb reads %d", ErrVersion, db.dir, v, formatVersion)
		}
		item, err := txn.Get(metaID)
		if err != nil {
			return fmt.Errorf("cannot read store metadata: %w", err)
		}
		if err := item.Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("%w: bad store ID", errCorrupt)
			}
			db.id = binary.BigEndian.Uint64(v)
			return nil
		}); err != nil {
			return err
		}
		if db.mu.nextRun, err = getUvarint(txn, metaNextRun); err != nil {
			return fmt.Errorf("cannot read store metadata: %w", err)
		}
		if db.mu.nextSeq, err = getUvarint(txn, metaNextSeq); err != nil {
			return fmt.Errorf("cannot read store metadata: %w", err)
		}
		return nil
	})
}

func getUvarint(txn *badger.Txn, k []byte) (uint64, error) {
	item, err := txn.Get(k)
	if err != nil {
		return 0, err
	}
	var x uint64
	err = item.Value(func(v []byte) error {
		var n int
		x, n = binary.Uvarint(v)
		if n <= 0 {
			return fmt.Errorf("%w: bad metadata %q", errCorrupt, k)
		}
		return nil
	})
	return x, err
}

// Close stops background work and closes the files. Lines already appended
// stay in unsealed tails; the next Open picks them up. It is safe to call
// more than once; later calls return nil.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.mu.closed {
		db.mu.Unlock()
		return nil
	}
	db.mu.closed = true
	db.closing.Store(true)
	close(db.mu.changed)
	for _, ch := range db.mu.jobChanged {
		close(ch)
	}
	db.mu.jobChanged = nil
	db.mu.Unlock()

	db.cancel()
	db.wg.Wait()
	return db.closeFiles()
}

func (db *DB) closeFiles() error {
	var errs []error
	if ix := db.ix.index.Swap(nil); ix != nil {
		errs = append(errs, ix.Close())
	}
	if db.bdb != nil && db.opts.ReadOnly {
		errs = append(errs, db.bdb.Close())
	} else if db.bdb != nil {
		errs = append(errs, writeOpenMark(db.dir, markClosing), db.bdb.Close())
		if errs[len(errs)-1] == nil {
			errs = append(errs, removeOpenMark(db.dir))
		}
	}
	if db.codec != nil {
		db.codec.close()
	}
	errs = append(errs, db.lock.unlock())
	return errors.Join(errs...)
}

// Dir returns the data directory.
func (db *DB) Dir() string { return db.dir }

// Options returns the options the DB was opened with, defaults filled in.
func (db *DB) Options() Options { return *db.opts }

// now is the wall clock, a variable for tests.
var now = func() int64 { return time.Now().UnixNano() }

// badgerLogger passes Badger's warnings and errors to a slog.Logger and
// drops its chatter.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) logger() *slog.Logger {
	if b.l != nil {
		return b.l
	}
	return slog.Default()
}

func (b badgerLogger) Errorf(f string, args ...any) {
	b.logger().Error(fmt.Sprintf("badger: "+f, args...))
}

func (b badgerLogger) Warningf(f string, args ...any) {
	b.logger().Warn(fmt.Sprintf("badger: "+f, args...))
}

func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}

package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/logdb/logdb/index"
)

// A DB opened with Options.ReadOnly is for a process that answers a query
// and exits. Badger opens its files read-only and creates no write-ahead
// log; no tail is sealed, no garbage collected, no block indexed; Close
// has nothing to flush. The full-text index is opened read-only, and only
// when a query first needs it, so that a query answered from the block
// summaries (a level and a job, say) never pays for it. A store that needs
// writing before it can be read is refused with ErrNeedsWrite, and the
// caller opens it for writing instead.

// writable returns an error wrapping ErrReadOnly if db was opened
// read-only.
func (db *DB) writable() error {
	if db.opts.ReadOnly {
		return fmt.Errorf("%w: %s", ErrReadOnly, db.dir)
	}
	return nil
}

// canOpenReadOnly returns an error wrapping ErrNeedsWrite if db is to be
// opened read-only but the store in dataDir, which mark says how its last
// process left, cannot be read without writing it.
func (db *DB) canOpenReadOnly(dataDir string, mark openMark) error {
	switch {
	case !db.opts.ReadOnly:
		return nil
	case mark != markClean:
		return fmt.Errorf("%w: the last process that had %s open did not close it", ErrNeedsWrite, db.dir)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "MANIFEST")); os.IsNotExist(err) {
		return fmt.Errorf("%w: %s holds no store yet", ErrNeedsWrite, db.dir)
	}
	return nil
}

// useIndex opens the index of a read-only DB if the query of plan p can
// use it and it is not open yet.
func (db *DB) useIndex(p *plan) {
	if p.jobs == nil && (p.ixq != nil || p.countWord != "") {
		db.openIndexReadOnly()
	}
}

// openIndexReadOnly opens the index of a read-only DB the first time it is
// called. An index that cannot be used (missing, of another layout, of
// another generation of the store) is left closed, and queries scan the
// blocks' summaries instead; the warning says how to rebuild it.
func (db *DB) openIndexReadOnly() {
	if !db.opts.ReadOnly || db.opts.NoIndexer {
		return
	}
	db.ix.readOnly.Do(func() {
		ix, err := index.OpenReadOnly(db.indexDir())
		if err == nil {
			var ok bool
			if ok, err = db.indexCurrent(ix); err == nil && !ok {
				err = fmt.Errorf("it was built for another generation of the store")
			}
			if err != nil {
				ix.Close()
			}
		}
		if errors.Is(err, os.ErrNotExist) {
			err = errors.New("there is none")
		}
		if err != nil {
			db.logger().Warn("queries scan every block: the full-text index cannot be used; logdb reindex rebuilds it", "reason", err)
			return
		}
		w, _ := ix.Watermark()
		db.ix.indexed.Store(w)
		db.ix.index.Store(ix)
		db.ix.ready.Store(true)
	})
}

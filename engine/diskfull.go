package engine

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/logdb/logdb/index"
)

// Errors of the disk under the store. Use errors.Is to test for them.
var (
	// ErrDiskFull is returned by writes when the store's file system has
	// less free space than Options.DiskReserve, or a write failed with
	// ENOSPC. Nothing of the refused write is stored; writes succeed again
	// by themselves once space is freed. Reads keep working.
	ErrDiskFull = errors.New("engine: disk full")

	// ErrIO is returned when the disk reported an I/O error (EIO).
	ErrIO = errors.New("engine: I/O error")
)

// Why a free-space guard and not just ENOSPC: Badger writes its memtables'
// logs, the value log and tables through memory maps of sparse files, so a
// disk that fills under it does not fail a write call but kills the process
// with SIGBUS, and it flushes and compacts in goroutines of its own. So
// logdb refuses a write while the file system has less than the reserve
// free, leaving that room to the work already accepted: flushing up to
// NumMemtables memtables, the compactions that follow, the value log's open
// file and the index's segments. See defaultDiskReserve.

// diskGuard answers whether the store's file system has room for a write.
// It asks the file system (statfs) at most every guardInterval while space
// is plentiful, and on every write once it is within a few reserves of the
// limit.
type diskGuard struct {
	dir     string
	reserve int64        // bytes to keep free; 0 disables the guard
	slack   func() int64 // more bytes to keep free, measured with the free space
	logs    *logReserver // the active logs to allocate before a write; nil for none

	mu      sync.Mutex
	checked time.Time // when free was measured
	free    int64     // bytes available to unprivileged users then, less slack
	kept    int64     // the slack then
	since   int64     // bytes admitted since
	statfs  func(dir string) (int64, error)
}

const guardInterval = 100 * time.Millisecond

func newDiskGuard(dir string, reserve int64, slack func() int64) *diskGuard {
	return &diskGuard{dir: dir, reserve: reserve, slack: slack, statfs: freeBytes}
}

// admit returns nil if a write of about need bytes leaves the reserve free,
// or an error wrapping ErrDiskFull. op names the write for the message.
func (g *diskGuard) admit(op string, need int64) error {
	if g == nil {
		return nil
	}
	if err := g.logs.reserve(); err != nil {
		if op == "" {
			return err
		}
		return fmt.Errorf("cannot %s: %w", op, err)
	}
	if g.reserve <= 0 {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	left := g.free - g.since - need
	if time.Since(g.checked) >= guardInterval || left < 4*g.reserve {
		free, err := g.statfs(g.dir)
		if err != nil {
			return nil // cannot tell; let the write find out
		}
		kept := int64(0)
		if g.slack != nil {
			kept = g.slack()
		}
		g.free, g.kept, g.since, g.checked = free-kept, kept, 0, time.Now()
		left = g.free - need
	}
	if left < g.reserve {
		return fmt.Errorf("%w: cannot %s: it needs about %s, %s is free in %s, and logdb keeps %s of it free for work already accepted (%s --disk-reserve, %s to merge the index); free some space (logdb gc deletes expired runs) and writes resume by themselves",
			ErrDiskFull, op, formatBytes(need), formatBytes(max(g.free+g.kept-g.since, 0)), g.dir,
			formatBytes(g.reserve+g.kept), formatBytes(g.reserve), formatBytes(g.kept))
	}
	g.since += need
	return nil
}

// indexMergeRoom is the space Bleve may need, besides the reserve, to merge
// index segments: a merge writes its output before it deletes its inputs,
// and merges stop at maxSegmentDocs blocks, so at most one such segment's
// worth (estimated from the index's bytes per block, up to the whole index)
// per merge at a time, of which Bleve runs one.
func (db *DB) indexMergeRoom() int64 {
	ix := db.ix.index.Load()
	if ix == nil {
		return 0
	}
	size := dirSize(db.indexDir())
	docs, err := ix.DocCount()
	if err != nil || docs == 0 {
		return size
	}
	return min(size, int64(float64(size)/float64(docs)*index.MaxSegmentDocs*1.25))
}

// room reports whether the file system has at least the reserve free, for
// background work (sealing, indexing) that may wait for space.
func (g *diskGuard) room() bool { return g.admit("", 0) == nil }

// freeBytes returns the bytes of dir's file system available to
// unprivileged users.
func freeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// classifyIOError wraps err with ErrDiskFull or ErrIO when the disk caused
// it, so that callers and users see the cause.
func classifyIOError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrDiskFull), errors.Is(err, ErrIO):
		return err
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	case errors.Is(err, syscall.EIO):
		return fmt.Errorf("%w: %w", ErrIO, err)
	}
	return err
}

// formatBytes renders n for messages: 512 B, 3.2 MiB, 1.5 GiB.
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

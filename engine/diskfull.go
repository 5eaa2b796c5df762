package engine

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"
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
	reserve int64 // bytes to keep free; 0 disables the guard

	mu      sync.Mutex
	checked time.Time // when free was measured
	free    int64     // bytes available to unprivileged users then
	since   int64     // bytes admitted since
	statfs  func(dir string) (int64, error)
}

const guardInterval = 100 * time.Millisecond

func newDiskGuard(dir string, reserve int64) *diskGuard {
	return &diskGuard{dir: dir, reserve: reserve, statfs: freeBytes}
}

// admit returns nil if a write of about need bytes leaves the reserve free,
// or an error wrapping ErrDiskFull. op names the write for the message.
func (g *diskGuard) admit(op string, need int64) error {
	if g == nil || g.reserve <= 0 {
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
		g.free, g.since, g.checked = free, 0, time.Now()
		left = free - need
	}
	if left < g.reserve {
		return fmt.Errorf("%w: cannot %s: %s free in %s, and logdb keeps %s free for the work already accepted (DiskReserve, --disk-reserve); free some space (logdb gc deletes expired runs) and writes resume by themselves",
			ErrDiskFull, op, formatBytes(max(g.free, 0)), g.dir, formatBytes(g.reserve))
	}
	g.since += need
	return nil
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

package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// dirLock is an exclusive advisory lock on a data directory, held through
// an flock on dir/LOCK, which also records the holder's pid so that a second
// process can say who holds it. The kernel drops the lock when the process
// dies, so a kill -9 leaves no stale lock behind.
type dirLock struct {
	f *os.File
}

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "LOCK")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(path)
			if pid, err := strconv.Atoi(string(bytes.TrimSpace(b))); err == nil {
				return nil, fmt.Errorf("%w: %s is locked by pid %d", ErrLocked, dir, pid)
			}
			return nil, fmt.Errorf("%w: %s is locked by another process", ErrLocked, dir)
		}
		return nil, fmt.Errorf("cannot lock %s: %w", dir, err)
	}
	// The pid is informational: failing to write it does not matter.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &dirLock{f: f}, nil
}

func (l *dirLock) unlock() error {
	// Closing the file releases the flock. The pid stays in the file; it
	// only counts while the lock is held.
	return l.f.Close()
}

package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// The open mark is a file in the store's directory that tells, before
// Badger opens the store, how the last process left it:
//
//   - no mark: closed cleanly. Every memtable was flushed into a table
//     the MANIFEST lists, so a table it does not list is a lost record.
//   - "open": killed while Badger had the store open (the mark is written
//     once badger.Open has returned). Badger always has a write-ahead log
//     (data/*.mem) then, holding the writes not yet in tables, so a store
//     without one has lost it, and every write it held: someone deleted
//     it. Badger would open such a store without a word.
//   - "closing": killed inside badger.Close, which flushes and deletes the
//     log; either may have happened.
//
// The mark is removed once badger.Close has returned.
const openMarkName = "OPEN"

type openMark int

const (
	markClean openMark = iota
	markOpen
	markClosing
)

var openMarkText = [...]string{
	markOpen:    "open\nlogdb has this store open, or was killed while it had; its write-ahead log is data/*.mem\n",
	markClosing: "closing\nlogdb was closing this store, or was killed while it was\n",
}

// readOpenMark returns the state the mark in dir records.
func readOpenMark(dir string) (openMark, error) {
	b, err := os.ReadFile(filepath.Join(dir, openMarkName))
	switch {
	case os.IsNotExist(err):
		return markClean, nil
	case err != nil:
		return markClean, fmt.Errorf("cannot read %s: %w", filepath.Join(dir, openMarkName), err)
	case bytes.HasPrefix(b, []byte("closing\n")):
		return markClosing, nil
	}
	return markOpen, nil // "open", or a mark a crash cut short while writing it
}

// writeOpenMark records m durably.
func writeOpenMark(dir string, m openMark) error {
	name := filepath.Join(dir, openMarkName)
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", name, classifyIOError(err))
	}
	_, err = f.WriteString(openMarkText[m])
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", name, classifyIOError(err))
	}
	return nil
}

// removeOpenMark records a clean close durably.
func removeOpenMark(dir string) error {
	name := filepath.Join(dir, openMarkName)
	if err := os.Remove(name); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("cannot remove %s: %w", name, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

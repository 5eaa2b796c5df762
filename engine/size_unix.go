package engine

import (
	"io/fs"
	"syscall"
)

// allocatedSize returns the bytes a file occupies on disk: Badger's
// memtable and value-log files are sparse, so their length overstates it.
func allocatedSize(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return info.Size()
}

package engine

// Badger's value log is a series of files of ValueLogFileSize bytes, and
// opening and closing the store maps and unmaps every one of them: at
// 16 MiB a file, a 10M-line store has 45 of them, which cost a query
// process 8 ms of its 50, and a 100M-line store would have 450. Bigger
// files are fewer, but the active one is mapped and allocated at twice
// the size (see prealloc.go), which a small disk cannot spare. So the size
// follows the free space: the largest power of two from 16 MiB to 128 MiB
// that is at most 1/256 of the bytes free when the store opens. Files
// already written keep their size; Badger maps each at the size it has.

const (
	minValueLogFile = 16 << 20
	maxValueLogFile = 128 << 20
)

// valueLogFileSize returns the size of the value-log files Badger creates
// on a file system with free bytes available.
func valueLogFileSize(free int64) int64 {
	size := int64(minValueLogFile)
	for size < maxValueLogFile && 2*size <= free/256 {
		size *= 2
	}
	return size
}

package engine

import (
	"fmt"
	"log/slog"
	"time"
)

// Options tune a DB. The zero value of every field means its default; a nil
// *Options passed to Open means all defaults.
type Options struct {
	// BlockLines is the most lines a sealed block holds. Default 2048:
	// most runs fit one block, which takes less room than two (one
	// compressed frame, label set, summary and filter), and a range read
	// still decodes no more than 2048 lines.
	BlockLines int

	// BlockBytes is the most message bytes a sealed block holds before it is
	// cut, whatever its line count. Default 512 KiB.
	BlockBytes int

	// SealAfter is how long a run's tail of unsealed lines may stay idle
	// before it is sealed into a block and indexed. Default 2s.
	SealAfter time.Duration

	// MaxLineBytes is the longest message Append accepts. Default 4 MiB.
	MaxLineBytes int

	// NoSync makes Append return before its data reaches stable storage.
	// THIS IS UNSAFE: a crash of the process or machine can lose
	// acknowledged lines. It exists for bulk loads that can be redone.
	NoSync bool

	// MemTableSize is the size of Badger's memtables in bytes. Larger
	// memtables write faster and use more memory. Default 16 MiB; at least
	// 1 MiB and a multiple of 4 KiB.
	MemTableSize int64

	// BlockCacheBytes bounds the memory of the decoded sealed blocks kept
	// for reads, so that reading a run page by page decodes each block once
	// and a query repeated over few blocks does not decode them again. Only
	// reads fill it (ReadLines, and Query over few blocks), never appends
	// or the indexer; a process that reads may use up to about twice this
	// more memory, counting the garbage collector's headroom. Default 32 MiB
	// (DefaultBlockCacheBytes); a negative value turns the cache off.
	BlockCacheBytes int64

	// MappedMemory bounds the pages of the store's files that the process
	// keeps mapped in memory (Badger and Bleve access their files through
	// memory maps): past it, the engine gives the pages back to the kernel,
	// which keeps them in its page cache (mapped.go). More lets repeated
	// reads of the same data skip a minor page fault per page; the
	// process's resident memory grows by as much. Default 64 MiB
	// (DefaultMappedMemory); a negative value leaves the pages to the
	// kernel.
	MappedMemory int64

	// Retention says how long runs are kept; see Retention and GC. Default
	// (nil): runs are deleted 30 days after their last change.
	Retention *Retention

	// GCInterval is how often expired runs are deleted in the background.
	// Default 1h; a negative interval turns background deletion off (GC
	// still deletes when called).
	GCInterval time.Duration

	// Logger receives warnings and errors from the storage layers and the
	// background indexer. Default slog.Default().
	Logger *slog.Logger

	// DiskReserve is the free space, in bytes, that writes leave on the
	// store's file system: an Append (or seal, index batch, compaction)
	// that would leave less is refused with ErrDiskFull, and writes resume
	// by themselves once space is freed. The room is for work already
	// accepted, which Badger does in the background through memory maps
	// that cannot report a full disk. Default 4 memtables plus 64 MiB
	// (128 MiB with the default MemTableSize); a negative value turns the
	// guard off, which is unsafe on a disk that may fill.
	DiskReserve int64

	// NoIndexer disables the background indexer: sealed blocks are not added
	// to the full-text index until a DB without NoIndexer opens the
	// directory. Queries stay correct but scan unindexed blocks.
	NoIndexer bool

	// ReadOnly opens the store for reading only, which is what a command
	// that answers one query wants: Open takes less time (no write-ahead
	// log is created, no background work starts, the full-text index is
	// opened when a query first needs it) and so does Close. Writes return
	// an error wrapping ErrReadOnly, and the index is not brought up to
	// date: queries scan the blocks it does not cover. Open fails with an
	// error wrapping ErrNeedsWrite for a store that must be written before
	// it can be read (a new one, or one whose last process was killed);
	// open it without ReadOnly then.
	ReadOnly bool
}

// DefaultOptions returns the options Open uses for a nil *Options.
func DefaultOptions() *Options {
	o := &Options{}
	o.ensureDefaults()
	return o
}

func (o *Options) clone() *Options {
	if o == nil {
		return &Options{}
	}
	c := *o
	return &c
}

func (o *Options) ensureDefaults() {
	if o.BlockLines == 0 {
		o.BlockLines = 2048
	}
	if o.BlockBytes == 0 {
		o.BlockBytes = 512 << 10
	}
	if o.MappedMemory == 0 {
		o.MappedMemory = DefaultMappedMemory
	}
	if o.SealAfter == 0 {
		o.SealAfter = 2 * time.Second
	}
	if o.MaxLineBytes == 0 {
		o.MaxLineBytes = 4 << 20
	}
	if o.Retention == nil {
		o.Retention = &Retention{}
	}
	if o.GCInterval == 0 {
		o.GCInterval = time.Hour
	}
	if o.MemTableSize == 0 {
		o.MemTableSize = 16 << 20
	}
	if o.DiskReserve == 0 {
		o.DiskReserve = 4*o.MemTableSize + 64<<20
	}
	if o.BlockCacheBytes == 0 {
		o.BlockCacheBytes = DefaultBlockCacheBytes
	}
}

func (o *Options) validate() error {
	switch {
	case o.BlockLines < 1 || o.BlockLines > 1<<16:
		return fmt.Errorf("engine: BlockLines %d out of range [1, 65536]", o.BlockLines)
	case o.BlockBytes < 1 || o.BlockBytes > 256<<20:
		return fmt.Errorf("engine: BlockBytes %d out of range [1, 256 MiB]", o.BlockBytes)
	case o.SealAfter < 0:
		return fmt.Errorf("engine: SealAfter %v must not be negative", o.SealAfter)
	case o.MaxLineBytes < 1 || o.MaxLineBytes > 256<<20:
		return fmt.Errorf("engine: MaxLineBytes %d out of range [1, 256 MiB]", o.MaxLineBytes)
	case o.MemTableSize < 1<<20 || o.MemTableSize%(4<<10) != 0:
		return fmt.Errorf("engine: MemTableSize %d must be at least 1 MiB and a multiple of 4 KiB", o.MemTableSize)
	}
	return nil
}

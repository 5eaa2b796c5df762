package main

import (
	"strconv"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// diskReserveFlag is the global --disk-reserve SIZE: the free space that
// writes leave on the store's file system (engine.Options.DiskReserve).
// Unset means the engine's default; 0 turns the guard off.
type diskReserveFlag struct {
	set   bool
	bytes int64
}

func (f *diskReserveFlag) String() string {
	if !f.set {
		return ""
	}
	return strconv.FormatInt(f.bytes, 10)
}

func (f *diskReserveFlag) Set(s string) error {
	n, err := query.ParseSize(s)
	if err != nil {
		return err
	}
	f.set, f.bytes = true, n
	return nil
}

// apply returns opts (a new Options if nil) with the reserve set, if it
// was given.
func (f *diskReserveFlag) apply(opts *engine.Options) *engine.Options {
	if !f.set {
		return opts
	}
	if opts == nil {
		opts = &engine.Options{}
	}
	opts.DiskReserve = f.bytes
	if f.bytes == 0 {
		opts.DiskReserve = -1
	}
	return opts
}

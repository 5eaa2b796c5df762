package ingest

import (
	"unsafe"

	"github.com/logdb/logdb/engine"
)

// Chunk sizes of the arena. A string or label set larger than a quarter of
// a chunk gets its own allocation.
const (
	arenaBytes  = 32 << 10
	arenaLabels = 256
)

// arena hands out the strings and label slices of entries from large
// chunks, so that reading a line costs no allocation of its own most of the
// time: a profile of the text path showed one malloc per line as its largest
// cost after the newline search.
//
// Safety: a chunk is only ever appended to. Bytes that back a string handed
// out are never written again, so the strings are immutable as Go requires;
// when a chunk is full a new one is allocated and the old one lives on as
// long as any of its strings does. The price is that one retained entry
// keeps up to one chunk (32 KiB) alive.
type arena struct {
	bytes  []byte
	labels engine.Labels
}

// string returns a string with the contents of b.
func (a *arena) string(b []byte) string {
	n := len(b)
	switch {
	case n == 0:
		return ""
	case n > arenaBytes/4:
		return string(b)
	case cap(a.bytes)-len(a.bytes) < n:
		a.bytes = make([]byte, 0, arenaBytes)
	}
	start := len(a.bytes)
	a.bytes = append(a.bytes, b...)
	return unsafe.String(&a.bytes[start], n)
}

// labelSlice returns a Labels of length n whose capacity is also n, so that
// a caller appending to it cannot write into its neighbour.
func (a *arena) labelSlice(n int) engine.Labels {
	switch {
	case n == 0:
		return nil
	case n > arenaLabels/4:
		return make(engine.Labels, n)
	case cap(a.labels)-len(a.labels) < n:
		a.labels = make(engine.Labels, 0, arenaLabels)
	}
	start := len(a.labels)
	a.labels = a.labels[:start+n]
	return a.labels[start : start+n : start+n]
}

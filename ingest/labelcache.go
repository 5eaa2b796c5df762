package ingest

import "github.com/logdb/logdb/engine"

// labelCacheSize is the number of label sets a Reader remembers, by hash.
const labelCacheSize = 256

// A labelCache hands out the label set of a line again to later lines
// that have the same one, which most lines of a run do: building each
// line's set anew was a seventh of a JSON load's allocation. Entries
// share the slices, which nothing writes to (engine.Labels are copied
// before they are changed). The cache is direct-mapped: a set takes the
// slot of its hash, and one that differs replaces it.
type labelCache [labelCacheSize]engine.Labels

// labels returns the label set of rec, whose text s holds (s is rec.buf
// in the arena), from the cache when it has it.
func (c *labelCache) labels(rec *record, s string, a *arena) engine.Labels {
	// FNV-1a over the names and values, each with its kind as a
	// terminator.
	h := uint32(2166136261)
	for _, l := range rec.labels {
		for _, sp := range [2]span{l.name, l.value} {
			for _, b := range rec.buf[sp.off:sp.end] {
				h = (h ^ uint32(b)) * 16777619
			}
			h = (h ^ uint32(l.kind)) * 16777619
		}
	}
	slot := &c[h%labelCacheSize]
	if same(*slot, rec) {
		return *slot
	}
	ls := a.labelSlice(len(rec.labels))
	for i, l := range rec.labels {
		ls[i] = engine.Label{Name: s[l.name.off:l.name.end], Value: s[l.value.off:l.value.end], Kind: l.kind}
	}
	*slot = ls
	return ls
}

// same reports whether ls is the label set of rec.
func same(ls engine.Labels, rec *record) bool {
	if len(ls) != len(rec.labels) {
		return false
	}
	for i, l := range rec.labels {
		if ls[i].Kind != l.kind || ls[i].Name != string(rec.bytes(l.name)) || ls[i].Value != string(rec.bytes(l.value)) {
			return false
		}
	}
	return true
}

package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/cespare/xxhash/v2"
	"github.com/dgraph-io/badger/v4"
)

// Id-like words — request ids, hashes, session keys: words of at least
// idWordBytes bytes that hold a digit — are most of a log's distinct words
// and nearly all of them occur in one block only. In the full-text index
// each one would be a term of its own, and building and merging the term
// dictionaries of those terms was most of the indexer's work (on the shared
// workload 99% of the distinct terms and a third of the (block, term) pairs;
// see BENCHMARKS.md). They are kept out of the index. Instead each sealed
// block gets a word filter: a Bloom filter of its id-like words (empty if
// it has none), stored under the block's 'F' key. A query for such a word
// reads the filters of the blocks of the granules its other terms leave
// and decodes only the blocks whose filter may hold the word.
//
// A filter belongs to one seal of its block: it records the block's
// change-log sequence, which the block's summary also holds, and is
// trusted only while the two agree. The indexer writes the filters (they
// are derived data, like the index); a block without a trusted filter is
// simply read.

// idWordBytes is the length from which a word holding a digit goes into
// the word filter instead of the index. Shorter ones (v1, http2, utf8,
// ipv4) are few and people count them. Sending the short ones that start
// with a digit to the filters too (numbers with a unit: 219ms, 10k) made
// the index a quarter smaller, but a UUID then had no word left in the
// index (448a, 017e are such words) and its lookup read every block's
// filter: 0.08 -> 21 ms at 10M lines (BENCHMARKS.md).
const idWordBytes = 6

// isIDWord reports whether index term t is an id-like word.
func isIDWord(t string) bool { return len(t) >= idWordBytes && hasDigit(t) }

// idWordPrefix returns the part of id-like word t before its first digit,
// which the index keeps so that a phrase ending inside a word can still be
// looked up by prefix ("" if t starts with a digit).
func idWordPrefix(t string) string {
	for i := 0; i < len(t); i++ {
		if '0' <= t[i] && t[i] <= '9' {
			return t[:i]
		}
	}
	return t
}

// wordHash is the hash of an index term in word filters.
func wordHash(t string) uint64 { return xxhash.Sum64String(t) }

// Word filters use filterBitsPerWord bits and filterProbes probes per word:
// a false positive rate of about 0.05%, so a query for a word that occurs
// once reads about one block in 2000 for nothing.
const (
	filterBitsPerWord = 16
	filterProbes      = 11
	filterVersion     = 3 // 2 held the short words that start with a digit too
)

// A wordFilter is a decoded word filter.
type wordFilter struct {
	seq  uint64 // the change-log sequence of the block's seal
	bits []byte // len(bits)*8 bits; may alias the stored value
}

// buildWordFilter returns the encoded filter of the word hashes hs for the
// seal with sequence seq:
//
//	version(1) seq(uvarint) bits crc(4)
//
// with crc the CRC-32C of the bytes before it, as in blocks.
func buildWordFilter(seq uint64, hs []uint64) []byte {
	nbytes := 0 // no words: no block of a granule is read for nothing
	if len(hs) > 0 {
		nbytes = max(8, (len(hs)*filterBitsPerWord+7)/8)
	}
	v := make([]byte, 0, 1+binary.MaxVarintLen64+nbytes+4)
	v = append(v, filterVersion)
	v = binary.AppendUvarint(v, seq)
	start := len(v)
	v = v[:start+nbytes]
	bits := v[start:]
	for _, h := range hs {
		probes(h, len(bits), func(byteIdx int, mask byte) bool {
			bits[byteIdx] |= mask
			return true
		})
	}
	return appendCRC(v)
}

// probes calls fn with the byte and bit of each of the filterProbes bits of
// hash h in a filter of n bytes (double hashing: bit i is (h1 + i·h2) mod
// 8n), until fn returns false; it reports whether fn never did.
func probes(h uint64, n int, fn func(byteIdx int, mask byte) bool) bool {
	m := uint32(n * 8)
	h1, h2 := uint32(h), uint32(h>>32)|1
	for i := uint32(0); i < filterProbes; i++ {
		b := (h1 + i*h2) % m
		if !fn(int(b/8), 1<<(b%8)) {
			return false
		}
	}
	return true
}

// decodeWordFilter decodes an encoded filter. The result aliases v.
func decodeWordFilter(v []byte) (wordFilter, error) {
	var f wordFilter
	if len(v) < 1 || v[0] != filterVersion {
		return f, fmt.Errorf("%w: bad word filter header", errCorrupt)
	}
	v, ok := checkCRC(v)
	if !ok {
		return f, fmt.Errorf("%w: word filter checksum mismatch", errCorrupt)
	}
	seq, n := binary.Uvarint(v[1:])
	if n <= 0 {
		return f, fmt.Errorf("%w: bad word filter", errCorrupt)
	}
	f.seq, f.bits = seq, v[1+n:]
	return f, nil
}

// mayHold reports whether the block may hold a word of every hash in hs.
func (f *wordFilter) mayHold(hs []uint64) bool {
	if len(f.bits) == 0 {
		return len(hs) == 0
	}
	set := func(byteIdx int, mask byte) bool { return f.bits[byteIdx]&mask != 0 }
	for _, h := range hs {
		if !probes(h, len(f.bits), set) {
			return false
		}
	}
	return true
}

// A filterReader checks candidate blocks against the word filters for the
// id-like words of a plan, reading the filters in key order with one
// iterator: candidates come in key order, so the next filter is mostly the
// iterator's next key.
type filterReader struct {
	txn *badger.Txn
	hs  []uint64
	it  *badger.Iterator
}

// newFilterReader returns a reader for the plan's id-like words, or nil if
// it has none.
func newFilterReader(txn *badger.Txn, p *plan) *filterReader {
	if len(p.ids) == 0 {
		return nil
	}
	return &filterReader{txn: txn, hs: p.ids}
}

// rulesOut reports whether the filter of block id, whose summary is s,
// shows that it holds none of the words. A block without a filter of its
// current seal, or with a damaged one, is not ruled out.
func (r *filterReader) rulesOut(id blockID, s *summary) bool {
	if r == nil || !s.sealed || s.seq == 0 {
		return false
	}
	k := blockKey(pfxFilter, id.run, id.first)
	if r.it == nil {
		r.it = r.txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxFilter}})
	}
	if !r.it.Valid() || !bytes.Equal(r.it.Item().Key(), k) {
		r.it.Seek(k)
		if !r.it.Valid() || !bytes.Equal(r.it.Item().Key(), k) {
			return false
		}
	}
	out := false
	_ = r.it.Item().Value(func(v []byte) error {
		f, err := decodeWordFilter(v)
		out = err == nil && f.seq == s.seq && !f.mayHold(r.hs)
		return nil
	})
	r.it.Next()
	return out
}

// close releases the reader's iterator.
func (r *filterReader) close() {
	if r != nil && r.it != nil {
		r.it.Close()
	}
}

package engine

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// A termSet collects the distinct terms of a granule's messages (see
// granule.go) and, for each, the number of lines holding it: the index
// stores that count as the term's frequency, which lets Count answer a
// one-word count from the index alone. Id-like words (see wordfilter.go)
// are collected apart, block by block, for the blocks' word filters.
//
// Each word is hashed once, with the word filters' hash: the id-like words
// are kept as that hash, and the terms in an open-addressing table keyed
// by it. The table was a map[string]int32, and its lookups were two thirds
// of the term set's time (BENCHMARKS.md).
type termSet struct {
	// slots is the table, a power of two long: 0 for an empty slot, else
	// the high 32 bits of the term's hash << 32 | its index in terms + 1.
	slots []uint64
	// counts[i] is (lines holding terms[i])<<32 | (index of the last such
	// line + 1), so that a term repeated in one line counts once.
	terms  []string
	counts []uint64
	// arena holds the terms' bytes, so that the blocks they came from
	// need not outlive their reading; scratch holds a word lower-cased.
	arena, scratch []byte
	// ids holds the hashes of the id-like words of the current block,
	// prefixes the distinct parts before the first digit of those of the
	// granule.
	ids      map[uint64]struct{}
	prefixes map[string]struct{}
	// inexact is set when some word's lower case has more ASCII letters
	// than the word (the Kelvin sign, dotted capital I): its term may then
	// equal a query word that does not match it byte for byte, so counts
	// from the index would be wrong for this granule.
	inexact bool
}

// inexactTerm marks granules whose term counts must not be trusted. It
// cannot be a real term: terms hold only word characters.
const inexactTerm = "\x00inexact"

// termArenaBytes is the size of the chunks terms are copied into.
const termArenaBytes = 64 << 10

func newTermSet() *termSet {
	return &termSet{
		slots:    make([]uint64, 8192),
		terms:    make([]string, 0, 4096),
		counts:   make([]uint64, 0, 4096),
		ids:      make(map[uint64]struct{}, 256),
		prefixes: make(map[string]struct{}),
	}
}

// addMessage adds the terms of line i, counting lines across the granule.
func (ts *termSet) addMessage(i int, msg string) {
	line := uint64(uint32(i + 1))
	if !isASCII(msg) {
		words(msg, func(w string, _, _ int) { ts.addWord(w, line) })
		return
	}
	// The common case, an ASCII message, in one pass: find the words and
	// what indexTerm and isIDWord need to know of them as we go.
	start, upper, digits, digit := -1, false, true, false
	for j := 0; j <= len(msg); j++ {
		if j < len(msg) {
			if c := msg[j]; asciiWord[c] {
				if start < 0 {
					start, upper, digits, digit = j, false, true, false
				}
				upper = upper || 'A' <= c && c <= 'Z'
				isDigit := '0' <= c && c <= '9'
				digits = digits && isDigit
				digit = digit || isDigit
				continue
			}
		}
		if start < 0 {
			continue
		}
		w := msg[start:j]
		start = -1
		switch {
		case digits:
		case upper || len(w) > maxTermBytes:
			w = ts.lowerASCII(w)
			ts.add(w, line, isIDWord(w))
		default:
			ts.add(w, line, digit && len(w) >= idWordBytes)
		}
	}
}

// addWord adds the term of word w of line.
func (ts *termSet) addWord(w string, line uint64) {
	t := indexTerm(w)
	if t == "" {
		return
	}
	if !isASCII(w) && asciiCount(t) > asciiCount(w) {
		ts.inexact = true
	}
	ts.add(t, line, isIDWord(t))
}

// add counts term t for line, or records it as an id-like word of the
// current block. t need not outlive the call.
func (ts *termSet) add(t string, line uint64, id bool) {
	h := wordHash(t)
	if id {
		if _, ok := ts.ids[h]; !ok {
			ts.ids[h] = struct{}{}
			if p := idWordPrefix(t); p != "" {
				if _, ok := ts.prefixes[p]; !ok {
					ts.prefixes[strings.Clone(p)] = struct{}{}
				}
			}
		}
		return
	}
	tag := h &^ (1<<32 - 1)
	mask := len(ts.slots) - 1
	for k := int(h) & mask; ; k = (k + 1) & mask {
		s := ts.slots[k]
		if s == 0 {
			ts.slots[k] = tag | uint64(len(ts.terms)+1)
			ts.terms = append(ts.terms, ts.keep(t))
			ts.counts = append(ts.counts, 1<<32|line)
			if 2*len(ts.terms) > len(ts.slots) {
				ts.grow()
			}
			return
		}
		if s&^(1<<32-1) != tag {
			continue
		}
		if i := int(uint32(s)) - 1; ts.terms[i] == t {
			if v := ts.counts[i]; v&0xffffffff != line {
				ts.counts[i] = (v>>32+1)<<32 | line
			}
			return
		}
	}
}

// keep returns a copy of t in the arena.
func (ts *termSet) keep(t string) string {
	if cap(ts.arena)-len(ts.arena) < len(t) {
		ts.arena = make([]byte, 0, max(termArenaBytes, len(t)))
	}
	start := len(ts.arena)
	ts.arena = append(ts.arena, t...)
	return unsafe.String(unsafe.SliceData(ts.arena[start:]), len(t))
}

// lowerASCII returns indexTerm(w) of an ASCII word w that is not all
// digits, in a buffer that the next call overwrites.
func (ts *termSet) lowerASCII(w string) string {
	w = w[:min(len(w), maxTermBytes)]
	b := ts.scratch[:0]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	ts.scratch = b
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// grow doubles the table.
func (ts *termSet) grow() {
	slots := make([]uint64, 2*len(ts.slots))
	mask := len(slots) - 1
	for i, t := range ts.terms {
		h := wordHash(t)
		k := int(h) & mask
		for slots[k] != 0 {
			k = (k + 1) & mask
		}
		slots[k] = h&^(1<<32-1) | uint64(i+1)
	}
	ts.slots = slots
}

func asciiCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			n++
		}
	}
	return n
}

// endBlock returns the hashes of the current block's id-like words, for
// its word filter, and starts the next block.
func (ts *termSet) endBlock() []uint64 {
	if len(ts.ids) == 0 {
		return nil
	}
	hs := make([]uint64, 0, len(ts.ids))
	for h := range ts.ids {
		hs = append(hs, h)
	}
	clear(ts.ids)
	return hs
}

// split returns the index terms with the number of lines holding each,
// and the distinct prefixes of the id-like words, which the index keeps
// for prefix lookups.
func (ts *termSet) split() (terms []string, lines []uint32, prefixes []string) {
	terms = ts.terms
	lines = make([]uint32, len(ts.counts), len(ts.counts)+1)
	for i, v := range ts.counts {
		lines[i] = uint32(v >> 32)
	}
	if ts.inexact {
		terms = append(terms, inexactTerm)
		lines = append(lines, 1)
	}
	for p := range ts.prefixes {
		prefixes = append(prefixes, p)
	}
	return terms, lines, prefixes
}

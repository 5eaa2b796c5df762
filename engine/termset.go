package engine

import "unicode/utf8"

// A termSet collects the distinct terms of a granule's messages (see
// granule.go) and, for each, the number of lines holding it: the index
// stores that count as the term's frequency, which lets Count answer a
// one-word count from the index alone. Id-like words (see wordfilter.go)
// are collected apart, block by block, for the blocks' word filters.
type termSet struct {
	// m maps a term to its place in terms and counts; counts[i] is (lines
	// holding terms[i])<<32 | (index of the last such line + 1), so that
	// a term repeated in one line counts once. A term seen before, the
	// common case, costs one map lookup.
	m      map[string]int32
	terms  []string
	counts []uint64
	// ids holds the id-like words of the current block, prefixes the
	// distinct parts before the first digit of those of the granule.
	ids      map[string]struct{}
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

func newTermSet() *termSet {
	return &termSet{
		m:        make(map[string]int32, 4096),
		terms:    make([]string, 0, 4096),
		counts:   make([]uint64, 0, 4096),
		ids:      make(map[string]struct{}, 256),
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
			w = indexTerm(w)
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
	if _, ok := ts.m[t]; !ok && !isASCII(w) && asciiCount(t) > asciiCount(w) {
		ts.inexact = true
	}
	ts.add(t, line, isIDWord(t))
}

// add counts term t for line, or records it as an id-like word of the
// current block. t may alias the block's buffer, which then lives as long
// as the document: a batch's worth, cheaper than a copy per term.
func (ts *termSet) add(t string, line uint64, id bool) {
	if id {
		if _, ok := ts.ids[t]; !ok {
			ts.ids[t] = struct{}{}
			if p := idWordPrefix(t); p != "" {
				ts.prefixes[p] = struct{}{}
			}
		}
		return
	}
	i, ok := ts.m[t]
	if !ok {
		ts.m[t] = int32(len(ts.terms))
		ts.terms = append(ts.terms, t)
		ts.counts = append(ts.counts, 1<<32|line)
		return
	}
	if v := ts.counts[i]; v&0xffffffff != line {
		ts.counts[i] = (v>>32+1)<<32 | line
	}
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
	for t := range ts.ids {
		hs = append(hs, wordHash(t))
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

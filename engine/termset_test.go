package engine

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unsafe"
)

// Ensure that a granule's term set, whose table grows several times and
// whose terms are copied out of the messages, counts the lines holding each
// term exactly as a plain map does, and keeps the id-like words apart.
func TestTermSet_Oracle(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	ts := newTermSet()
	want := map[string]int{}
	ids := map[uint64]bool{}
	buf := []byte{} // reused, as a pooled block's buffer would be
	for i := 0; i < 20000; i++ {
		var words []string
		for w := 0; w < 1+r.Intn(8); w++ {
			switch r.Intn(4) {
			case 0:
				words = append(words, fmt.Sprintf("Word%c%d", 'a'+r.Intn(26), r.Intn(3))) // short: a plain term
			case 1:
				words = append(words, fmt.Sprintf("req%08x", r.Uint32())) // id-like
			case 2:
				words = append(words, strings.Repeat("x", 1+r.Intn(3))+fmt.Sprint(r.Intn(9000)))
			default:
				words = append(words, fmt.Sprintf("t%xZ", r.Intn(40000)))
			}
		}
		buf = append(buf[:0], strings.Join(words, " ")...)
		// The message aliases buf, which is overwritten after: the term
		// set must copy what it keeps, as the indexer's blocks are pooled.
		msg := unsafe.String(unsafe.SliceData(buf), len(buf))
		ts.addMessage(i, msg)
		seen := map[string]bool{}
		for _, w := range words {
			term := indexTerm(w)
			if term == "" || seen[term] {
				continue
			}
			seen[term] = true
			if isIDWord(term) {
				ids[wordHash(term)] = true
				continue
			}
			want[term]++
		}
		for j := range buf {
			buf[j] = '#'
		}
	}
	for _, h := range ts.endBlock() {
		if !ids[h] {
			t.Errorf("id hash %x was not an id-like word", h)
		}
		delete(ids, h)
	}
	if len(ids) > 0 {
		t.Errorf("%d id-like words missing from the block's hashes", len(ids))
	}
	terms, lines, _ := ts.split()
	if len(terms) != len(want) {
		t.Errorf("%d terms, want %d", len(terms), len(want))
	}
	for i, term := range terms {
		if int(lines[i]) != want[term] {
			t.Errorf("term %q in %d lines, want %d", term, lines[i], want[term])
		}
	}
	if len(ts.slots) <= 8192 {
		t.Errorf("the table never grew (%d slots for %d terms)", len(ts.slots), len(terms))
	}
}

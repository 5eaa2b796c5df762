package engine

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
)

// Ensure that the ASCII fast path of termSet finds the same terms, with the
// same line counts, as the general path through words and indexTerm.
func TestTermSet_FastPath(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alphabet := "abcXYZ019_ -.:/=ÄéK"
	for n := 0; n < 500; n++ {
		var msgs []string
		for l := 0; l < 5; l++ {
			var b strings.Builder
			for k := r.Intn(40); k > 0; k-- {
				if r.Intn(30) == 0 {
					b.WriteString(strings.Repeat("Q", 70)) // longer than maxTermBytes
				}
				b.WriteByte(alphabet[r.Intn(len(alphabet))])
			}
			msgs = append(msgs, b.String())
		}
		fast := newTermSet()
		slow := newTermSet()
		for i, m := range msgs {
			fast.addMessage(i, m)
			words(m, func(w string, _, _ int) { slow.addWord(w, uint64(i+1)) })
		}
		if got, want := dump(fast), dump(slow); got != want {
			t.Fatalf("messages %q:\nfast %s\nslow %s", msgs, got, want)
		}
	}
}

func dump(ts *termSet) string {
	ids := ts.endBlock()
	terms, lines, prefixes := ts.split()
	out := make([]string, len(terms))
	for i := range terms {
		out[i] = terms[i] + "=" + string(rune('0'+lines[i]))
	}
	for _, h := range ids {
		out = append(out, fmt.Sprintf("#%x", h))
	}
	for _, p := range prefixes {
		out = append(out, "^"+p)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

package engine

import (
	"strings"
	"unicode/utf8"

	"github.com/logdb/logdb/index"
)

// The index holds, for each sealed block, the distinct terms of its
// messages: maximal runs of word characters (see match.go), lower-cased and
// cut to maxTermBytes, except runs of digits alone. Query filters are turned
// into index queries that ask only for terms every matching line must
// contain, so that the index can rule blocks out but never rule out a block
// with a match.
//
// Numbers are left out because they cost more than they give: in the bench
// workload they are 46% of all (block, term) pairs, most of them durations,
// sizes and offsets that nobody searches for, and leaving them out halves
// the index and speeds indexing up by 60% (measured on 1M lines; see
// BENCHMARKS.md). A query for a number still finds every line; it just
// reads the blocks its other terms select.

// maxTermBytes caps indexed terms: long runs (hashes, base64) would bloat the
// term dictionary. A term is cut at a rune boundary at or below the cap, the
// same way at index and query time.
const maxTermBytes = 64

// indexTerm returns the index term of a word, or "" if words like it are not
// indexed.
func indexTerm(tok string) string {
	if allDigits(tok) {
		return ""
	}
	if !isASCII(tok) {
		tok = strings.ToLower(tok)
	} else {
		for i := 0; i < len(tok); i++ {
			if 'A' <= tok[i] && tok[i] <= 'Z' {
				tok = strings.ToLower(tok)
				break
			}
		}
	}
	if len(tok) > maxTermBytes {
		cut := maxTermBytes
		for cut > 0 && !utf8.RuneStart(tok[cut]) {
			cut--
		}
		tok = tok[:cut]
	}
	return tok
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// words calls fn for each maximal run of word characters in s with its byte
// offsets.
func words(s string, fn func(w string, start, end int)) {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		var word bool
		if c < utf8.RuneSelf {
			word = asciiWord[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			word = isWordRune(r)
		}
		if word && start < 0 {
			start = i
		} else if !word && start >= 0 {
			fn(s[start:i], start, i)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		fn(s[start:], start, len(s))
	}
}

// termSet collects the distinct terms of a block's messages and, for each,
// the number of lines holding it: the index stores that count as the term's
// frequency, which lets Count answer a one-word count from the index alone.
type termSet struct {
	// m maps a term to (lines holding it)<<32 | (index of the last such
	// line + 1), so that a term repeated in one line counts once.
	m map[string]uint64
	// inexact is set when some word's lower case has more ASCII letters
	// than the word (the Kelvin sign, dotted capital I): its term may then
	// equal a query word that does not match it byte for byte, so counts
	// from the index would be wrong for this block.
	inexact bool
}

// inexactTerm marks blocks whose term counts must not be trusted. It cannot
// be a real term: terms hold only word characters.
const inexactTerm = "\x00inexact"

func newTermSet() *termSet { return &termSet{m: make(map[string]uint64, 1024)} }

// addMessage adds the terms of line i.
func (ts *termSet) addMessage(i int, msg string) {
	line := uint64(uint32(i + 1))
	if !isASCII(msg) {
		words(msg, func(w string, _, _ int) { ts.addWord(w, line) })
		return
	}
	// The common case, an ASCII message, in one pass: find the words and
	// what indexTerm needs to know of them as we go.
	start, upper, digits := -1, false, true
	for j := 0; j <= len(msg); j++ {
		if j < len(msg) {
			if c := msg[j]; asciiWord[c] {
				if start < 0 {
					start, upper, digits = j, false, true
				}
				upper = upper || 'A' <= c && c <= 'Z'
				digits = digits && '0' <= c && c <= '9'
				continue
			}
		}
		if start < 0 {
			continue
		}
		w := msg[start:j]
		start = -1
		if digits {
			continue
		}
		if upper || len(w) > maxTermBytes {
			w = indexTerm(w)
		}
		ts.addTerm(w, line)
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
	ts.addTerm(t, line)
}

// addTerm counts term t for line. t may alias the block's buffer, which
// then lives as long as the document: a batch's worth, cheaper than a copy
// per term.
func (ts *termSet) addTerm(t string, line uint64) {
	v, ok := ts.m[t]
	switch {
	case !ok:
		ts.m[t] = 1<<32 | line
	case v&0xffffffff != line:
		ts.m[t] = (v>>32+1)<<32 | line
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

// split returns what the block's terms give: the index terms with the
// number of lines holding each, the hashes of the id-like words for the
// block's word filter, and the distinct prefixes of those words before
// their first digit, which the index keeps for prefix lookups.
func (ts *termSet) split() (terms []string, lines []uint32, ids []uint64, prefixes []string) {
	n := len(ts.m)
	if ts.inexact {
		n++
	}
	terms = make([]string, 0, n)
	lines = make([]uint32, 0, n)
	var seen map[string]bool
	for t, v := range ts.m {
		if !isIDWord(t) {
			terms = append(terms, t)
			lines = append(lines, uint32(v>>32))
			continue
		}
		ids = append(ids, wordHash(t))
		if p := idWordPrefix(t); p != "" && !seen[p] {
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[p] = true
			prefixes = append(prefixes, p)
		}
	}
	if ts.inexact {
		terms = append(terms, inexactTerm)
		lines = append(lines, 1)
	}
	return terms, lines, ids, prefixes
}

// countTerm returns the index term of w if w is one word whose index term
// counts exactly the lines a WordFilter for w matches, else "".
func countTerm(w string) string {
	if !isASCII(w) || len(w) > maxTermBytes {
		return ""
	}
	n := 0
	whole := false
	words(w, func(x string, start, end int) {
		n++
		whole = start == 0 && end == len(w)
	})
	if n != 1 || !whole {
		return ""
	}
	if t := indexTerm(w); !isIDWord(t) {
		return t
	}
	return "" // in the word filter, not the index
}

// indexQuery returns the index query that every block holding a line
// matching f satisfies, or nil if the index cannot narrow the search.
func indexQuery(f Filter) index.Query {
	switch f := f.(type) {
	case AndFilter:
		var qs index.And
		for _, c := range f {
			if q := indexQuery(c); q != nil {
				qs = append(qs, q)
			}
		}
		return andOrNil(qs)
	case OrFilter:
		qs := make(index.Or, 0, len(f))
		for _, c := range f {
			q := indexQuery(c)
			if q == nil {
				return nil
			}
			qs = append(qs, q)
		}
		return qs
	case WordFilter:
		// Every word of the needle is a whole word of a matching message:
		// the needle's ends are word boundaries, and so are its inner
		// non-word characters.
		// Id-like words are in the word filters instead (see plan.ids).
		var qs index.And
		words(f.Word, func(w string, _, _ int) {
			if t := indexTerm(w); t != "" && !isIDWord(t) {
				qs = append(qs, index.Term{Field: index.FieldTerms, Term: t})
			}
		})
		return andOrNil(qs)
	case PhraseFilter:
		// Inner words are whole words of the message; the last word, if the
		// phrase ends inside a word, is only a prefix of one; the first, if
		// the phrase starts inside a word, only a suffix, which the index
		// cannot look up.
		var qs index.And
		text := f.Text
		words(text, func(w string, start, end int) {
			atStart, atEnd := start == 0, end == len(text)
			switch {
			case atStart:
			case atEnd:
				// The word the phrase's last word begins may be all
				// digits, and so not indexed, or id-like, and so in the
				// word filter, only if that last word has a digit. If it
				// has none, an id-like word it begins has its part before
				// the first digit in the index.
				t := strings.ToLower(w)
				if len(t) <= maxTermBytes && !hasDigit(t) {
					qs = append(qs, index.Or{
						index.Prefix{Field: index.FieldTerms, Prefix: t},
						index.Prefix{Field: index.FieldIDPrefixes, Prefix: t},
					})
				}
			default:
				if t := indexTerm(w); t != "" && !isIDWord(t) {
					qs = append(qs, index.Term{Field: index.FieldTerms, Term: t})
				}
			}
		})
		return andOrNil(qs)
	case LevelFilter:
		qs := index.Or{}
		for l := Level(1); int(l) < NumLevels; l++ {
			if f.Op.cmp(int64(l), int64(f.Level)) {
				qs = append(qs, index.Term{Field: index.FieldLevels, Term: l.String()})
			}
		}
		return qs
	case JobFilter:
		if f.Op != Eq {
			return nil
		}
		if strings.Contains(f.Pattern, "*") {
			return index.Glob{Field: index.FieldJob, Pattern: f.Pattern}
		}
		return index.Term{Field: index.FieldJob, Term: f.Pattern}
	case LabelFilter:
		if f.Op != Eq || f.Pattern == "" {
			return nil
		}
		if strings.Contains(f.Pattern, "*") {
			if strings.Trim(f.Pattern, "*") == "" {
				return nil // any value, which may be ""
			}
			return index.Glob{Field: index.LabelField(f.Name), Pattern: f.Pattern}
		}
		return index.Term{Field: index.LabelField(f.Name), Term: f.Pattern}
	case TimeFilter:
		if f.Since == 0 && f.Until == 0 {
			return nil
		}
		return index.TimeOverlap{Since: f.Since, Until: f.Until}
	}
	return nil
}

func andOrNil(qs index.And) index.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return qs
}

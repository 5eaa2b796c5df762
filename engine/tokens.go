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
	case RegexpFilter:
		var qs index.And
		for _, ph := range f.phrases() {
			if q := indexQuery(ph); q != nil {
				qs = append(qs, q)
			}
		}
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

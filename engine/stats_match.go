package engine

// TextMatcher matches text as a WordFilter or PhraseFilter matches a
// message, for callers that hold entries already: the query package's
// filter pipe, which runs after fields are extracted at query time. It is
// safe for concurrent use.
type TextMatcher struct{ m *textMatcher }

// NewTextMatcher returns a matcher of needle: as a whole word, ignoring
// case, when word is set (WordFilter), else anywhere, ignoring case
// (PhraseFilter).
func NewTextMatcher(needle string, word bool) *TextMatcher {
	return &TextMatcher{newTextMatcher(needle, word)}
}

// Match reports whether s holds the needle.
func (m *TextMatcher) Match(s string) bool { return m.m.match(s) }

package ingest

// jsonWalker steps through JSON text that validJSON has already checked,
// so it only has to find where each token ends. It still never reads past
// the end of b: on input that is not valid after all it returns short
// tokens instead of panicking.
type jsonWalker struct {
	b []byte
	i int
}

// peek returns the byte at the position, or 0 at the end.
func (w *jsonWalker) peek() byte {
	if w.i < len(w.b) {
		return w.b[w.i]
	}
	return 0
}

// skipSpace moves past JSON whitespace.
func (w *jsonWalker) skipSpace() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\r', '\n':
			w.i++
		default:
			return
		}
	}
}

// string returns the string literal at the position, quotes included, and
// moves past it. plain reports a literal of printable ASCII without
// escapes, whose bytes between the quotes are its value.
func (w *jsonWalker) string() (lit []byte, plain bool) {
	start := w.i
	plain = true
	for j := w.i + 1; j < len(w.b); j++ {
		switch c := w.b[j]; {
		case c == '"':
			w.i = j + 1
			return w.b[start:w.i], plain
		case c == '\\':
			plain = false
			j++ // the escaped byte
		case c >= 0x80:
			plain = false
		}
	}
	w.i = len(w.b)
	return w.b[start:], false
}

// scalar returns the number or literal at the position and moves past it.
func (w *jsonWalker) scalar() []byte {
	start := w.i
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return w.b[start:w.i]
		}
		w.i++
	}
	return w.b[start:]
}

// composite returns the array or object at the position and moves past it.
func (w *jsonWalker) composite() []byte {
	start := w.i
	depth := 0
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case '"':
			w.string()
			continue
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				w.i++
				return w.b[start:w.i]
			}
		}
		w.i++
	}
	return w.b[start:]
}

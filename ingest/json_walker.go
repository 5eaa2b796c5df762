package ingest

// jsonWalker steps through a line of JSON text and checks it as it goes,
// with the grammar validJSON checks: a method that meets text validJSON
// would refuse reports it (ok false), and the caller gives up on the line.
// It never reads past the end of b.
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
func (w *jsonWalker) string() (lit []byte, plain, ok bool) {
	start := w.i
	plain = true
	for j := w.i + 1; j < len(w.b); j++ {
		switch c := w.b[j]; {
		case c == '"':
			w.i = j + 1
			return w.b[start:w.i], plain, true
		case c < 0x20:
			return nil, false, false
		case c == '\\':
			plain = false
			if j = escapeEnd(w.b, j); j < 0 {
				return nil, false, false
			}
		case c >= 0x80:
			plain = false
		}
	}
	return nil, false, false
}

// literal returns the literal lit at the position, if it is there, and
// moves past it.
func (w *jsonWalker) literal(lit string) ([]byte, bool) {
	end := literal(w.b, w.i, lit)
	if end < 0 {
		return nil, false
	}
	v := w.b[w.i:end]
	w.i = end
	return v, true
}

// number returns the number at the position and moves past it.
func (w *jsonWalker) number() ([]byte, bool) {
	if w.i >= len(w.b) {
		return nil, false
	}
	end := jsonNumber(w.b, w.i)
	if end < 0 {
		return nil, false
	}
	v := w.b[w.i:end]
	w.i = end
	return v, true
}

// composite returns the array or object at the position, inside depth
// containers, and moves past it.
func (w *jsonWalker) composite(depth int) ([]byte, bool) {
	start := w.i
	open := 0
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case '"':
			if _, _, ok := w.string(); !ok {
				return nil, false
			}
			continue
		case '[', '{':
			open++
		case ']', '}':
			open--
			if open == 0 {
				w.i++
				v := w.b[start:w.i]
				return v, validNested(v, depth)
			}
		}
		w.i++
	}
	return nil, false
}

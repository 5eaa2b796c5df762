package repl

import (
	"fmt"
	"strings"
)

// fields splits the arguments of a \command into words separated by
// blanks. A word may be quoted with "…" or '…' to hold blanks; inside
// double quotes \" and \\ escape.
func fields(s string) ([]string, error) {
	var out []string
	var b strings.Builder
	in := false // in a word
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				out = append(out, b.String())
				b.Reset()
				in = false
			}
		case c == '"' || c == '\'':
			in = true
			j := i + 1
			for ; j < len(s) && s[j] != c; j++ {
				if c == '"' && s[j] == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
					j++
				}
				b.WriteByte(s[j])
			}
			if j == len(s) {
				return nil, fmt.Errorf("unterminated %c quote", c)
			}
			i = j
		default:
			in = true
			b.WriteByte(c)
		}
	}
	if in {
		out = append(out, b.String())
	}
	return out, nil
}

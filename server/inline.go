package server

import "errors"

// errUnbalancedQuotes is what Redis answers for an inline command whose
// quotes do not close, or close in the middle of a word.
var errUnbalancedQuotes = errors.New("unbalanced quotes in request")

// splitInline splits an inline command line into arguments exactly as
// Redis does (sdssplitargs in sds.c), so that what works in redis-cli's
// prompt or over telnet works here:
//
//   - arguments are separated by spaces, tabs, CR and LF;
//   - "double quotes" may hold spaces and the escapes \n \r \t \b \a \\ \"
//     and \xHH; any other escaped character stands for itself;
//   - 'single quotes' may hold anything; only \' is an escape;
//   - a closing quote must be followed by a space or the end of the line.
//
// The arguments are fresh slices, not aliases of line.
func splitInline(line []byte) ([][]byte, error) {
	var args [][]byte
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p == len(line) {
			return args, nil
		}
		var (
			cur          = []byte{}
			inq, insq    bool
			done         bool
			closingQuote = func(i int) error {
				// The closing quote must be followed by a space or nothing.
				if i+1 < len(line) && !isSpace(line[i+1]) {
					return errUnbalancedQuotes
				}
				return nil
			}
		)
		for !done {
			switch {
			case inq:
				switch {
				case p == len(line):
					return nil, errUnbalancedQuotes
				case line[p] == '\\' && p+3 < len(line) && line[p+1] == 'x' && isHex(line[p+2]) && isHex(line[p+3]):
					cur = append(cur, unhex(line[p+2])<<4|unhex(line[p+3]))
					p += 3
				case line[p] == '\\' && p+1 < len(line):
					p++
					switch c := line[p]; c {
					case 'n':
						cur = append(cur, '\n')
					case 'r':
						cur = append(cur, '\r')
					case 't':
						cur = append(cur, '\t')
					case 'b':
						cur = append(cur, '\b')
					case 'a':
						cur = append(cur, '\a')
					default:
						cur = append(cur, c)
					}
				case line[p] == '"':
					if err := closingQuote(p); err != nil {
						return nil, err
					}
					done = true
				default:
					cur = append(cur, line[p])
				}
			case insq:
				switch {
				case p == len(line):
					return nil, errUnbalancedQuotes
				case line[p] == '\\' && p+1 < len(line) && line[p+1] == '\'':
					p++
					cur = append(cur, '\'')
				case line[p] == '\'':
					if err := closingQuote(p); err != nil {
						return nil, err
					}
					done = true
				default:
					cur = append(cur, line[p])
				}
			default:
				if p == len(line) {
					done = true
					break
				}
				switch c := line[p]; c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					cur = append(cur, c)
				}
			}
			if p < len(line) {
				p++
			}
		}
		args = append(args, cur)
	}
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

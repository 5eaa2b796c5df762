package ingest

import (
	"bytes"

	"github.com/go-logfmt/logfmt"
)

// sniffFormat picks the format of a file from its first non-blank line:
//
//   - json if it starts with "{" (after blanks and a byte order mark);
//   - logfmt if it starts with an identifier and "=" and has at least two
//     key=value pairs with non-empty values that go-logfmt decodes;
//   - text otherwise.
//
// A plain-text line rarely starts with "ident=" and has a second pair, and
// a JSON log line always starts with "{".
func sniffFormat(line []byte) Format {
	s := skipBlanks(trimBOM(line))
	switch {
	case len(s) > 0 && s[0] == '{':
		return FormatJSON
	case looksLogfmt(s):
		return FormatLogfmt
	}
	return FormatText
}

// isIdentByte reports whether c may appear in a logfmt key that sniffing
// accepts: letters, digits, "_", ".", "-".
func isIdentByte(c byte) bool {
	return isAlnum(c) || c == '_' || c == '.' || c == '-'
}

// looksLogfmt implements the logfmt rule of sniffFormat.
func looksLogfmt(s []byte) bool {
	if len(s) == 0 || !(isAlpha(s[0]) || s[0] == '_') {
		return false
	}
	i := 0
	for i < len(s) && isIdentByte(s[i]) {
		i++
	}
	if i >= len(s) || s[i] != '=' {
		return false
	}
	dec := logfmt.NewDecoderSize(bytes.NewReader(s), len(s)+1)
	if !dec.ScanRecord() {
		return false
	}
	pairs := 0
	for dec.ScanKeyval() {
		if len(dec.Value()) > 0 {
			pairs++
		}
	}
	return dec.Err() == nil && pairs >= 2
}

package ingest

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ErrBinary is returned by a BinaryCheck reader for input that is not
// text.
var ErrBinary = errors.New("binary data")

// binaryWindow is how much of a stream BinaryCheck looks at.
const binaryWindow = 8 << 10

// BinaryCheck returns a reader of r that fails with an error wrapping
// ErrBinary when the first 8 KiB of r hold a NUL byte or are mostly not
// UTF-8: a compressed, encoded or binary file whose "lines" would be
// noise. Past the first 8 KiB it passes everything through; a NUL byte is
// reported as soon as it is read, so that a stream is not held up.
func BinaryCheck(r io.Reader) io.Reader {
	return &binaryCheck{r: r}
}

type binaryCheck struct {
	r    io.Reader
	head []byte // the first bytes read, up to binaryWindow
	done bool
}

func (b *binaryCheck) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if b.done {
		return n, err
	}
	for i, c := range p[:n] {
		if c == 0 && len(b.head)+i < binaryWindow {
			return 0, fmt.Errorf("%w (a NUL byte at offset %d)", ErrBinary, len(b.head)+i)
		}
	}
	b.head = append(b.head, p[:min(n, binaryWindow-len(b.head))]...)
	if len(b.head) >= binaryWindow || err != nil {
		b.done = true
		if bad := invalidUTF8(b.head); len(b.head) >= 64 && bad*10 > len(b.head)*3 {
			return 0, fmt.Errorf("%w (%d of the first %d bytes are not UTF-8)", ErrBinary, bad, len(b.head))
		}
		b.head = nil
	}
	return n, err
}

// invalidUTF8 counts the bytes of b that are not part of valid UTF-8,
// ignoring a sequence cut off at the end.
func invalidUTF8(b []byte) int {
	bad := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			if !utf8.FullRune(b) {
				break
			}
			bad++
		}
		b = b[size:]
	}
	return bad
}

package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// Ensure that BinaryCheck refuses a NUL byte or mostly invalid UTF-8 in the
// first 8 KiB, however the reads are cut, and passes text, UTF-8 and
// anything after the first 8 KiB through unchanged.
func TestBinaryCheck(t *testing.T) {
	text := strings.Repeat("héllo wörld ✓ line\n", 1000)
	tests := []struct {
		name   string
		in     string
		binary bool
	}{
		{"text", text, false},
		{"short", "ok\n", false},
		{"empty", "", false},
		{"NUL", "abc\x00def\n", true},
		{"NUL late in the window", strings.Repeat("a", 8000) + "\x00", true},
		{"NUL after the window", strings.Repeat("a", 9000) + "\x00", false},
		{"Latin-1", strings.Repeat("\xe9t\xe9 \xe0 \xff\xfe\xfd\xfc", 100), true},
		{"a few bad bytes", strings.Repeat("caf\xe9 au lait, s'il vous pla\xeet\n", 50), false},
	}
	for _, tt := range tests {
		for _, cut := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tt.in)
			if cut {
				r = iotest.OneByteReader(r)
			}
			got, err := io.ReadAll(BinaryCheck(r))
			if tt.binary != errors.Is(err, ErrBinary) || !tt.binary && (err != nil || !bytes.Equal(got, []byte(tt.in))) {
				t.Errorf("%s (one byte at a time: %v): %d bytes, %v; want binary %v", tt.name, cut, len(got), err, tt.binary)
			}
		}
	}
}

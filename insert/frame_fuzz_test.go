package insert

import (
	"bufio"
	"bytes"
	"errors"
	"testing"
)

// FuzzReadFrame checks that the syslog TCP framing never panics, never
// returns a message over the limit, and always moves on, so that a
// connection ends at EOF whatever it sent.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte("12 <14>1 - - - -\n<13>Dec  8 01:00:00 h a: b\r\n\n99999999 x"))
	f.Add([]byte("5 <14>"))
	f.Add([]byte("3x <1>\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bufio.NewReaderSize(bytes.NewReader(b), 16)
		for i := 0; i <= len(b); i++ {
			msg, err := readFrame(br, 32)
			if len(msg) > 32 {
				t.Fatalf("message of %d bytes over the limit", len(msg))
			}
			if err != nil && !errors.Is(err, errFrameTooLong) {
				return
			}
		}
		t.Fatalf("readFrame did not reach the end of %d bytes", len(b))
	})
}

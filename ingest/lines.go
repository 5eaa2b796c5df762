package ingest

import (
	"bufio"
	"errors"
	"io"
)

// bufferSize is the size of the read buffer. Lines up to this size are
// returned straight from it; longer ones are gathered in lineReader.long.
const bufferSize = 256 << 10

// lineReader splits a stream into lines the way sed numbers them: every
// "\n" ends a line, a final line without "\n" counts, and nothing else ends
// one. It drops the "\n" and one "\r" before it.
//
// A line longer than max is not gathered: once it outgrows the limit the
// rest of it is read and dropped, so a 1 GB line costs no more memory than a
// short one.
type lineReader struct {
	br   *bufio.Reader
	max  int
	long []byte // a line longer than the buffer, gathered piece by piece
	num  int64  // number of the last line returned
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, bufferSize), max: max}
}

// next returns the next line and its number. The line is valid until the
// next call. tooLong reports a line over the limit, which is returned empty.
// At the end it returns io.EOF; any other error comes from the underlying
// reader and ends reading.
func (lr *lineReader) next() (line []byte, num int64, tooLong bool, err error) {
	frag, err := lr.br.ReadSlice('\n')
	switch {
	case err == nil:
		line = frag[:len(frag)-1]
	case errors.Is(err, bufio.ErrBufferFull):
		line, tooLong, err = lr.gather(frag)
		if err != nil {
			return nil, 0, false, err
		}
	case err == io.EOF && len(frag) > 0:
		line = frag // a last line without "\n"
	default:
		return nil, 0, false, err
	}
	lr.num++
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > lr.max {
		return nil, lr.num, true, nil
	}
	return line, lr.num, tooLong, nil
}

// gather reads the rest of a line that did not fit the buffer; frag is its
// start. It keeps at most max+1 bytes (room for a "\r" before the "\n");
// past that it drops what it reads and reports tooLong.
func (lr *lineReader) gather(frag []byte) (line []byte, tooLong bool, err error) {
	lr.long = append(lr.long[:0], frag...)
	for {
		if len(lr.long) > lr.max+1 {
			tooLong = true
			lr.long = lr.long[:0]
		}
		frag, err = lr.br.ReadSlice('\n')
		switch {
		case err == nil:
			frag = frag[:len(frag)-1]
		case errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF:
			// A last line without "\n": it ends here.
		default:
			return nil, false, err
		}
		if !tooLong {
			lr.long = append(lr.long, frag...)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			break
		}
	}
	if tooLong {
		return nil, true, nil
	}
	if cap(lr.long) > 4*bufferSize {
		// Do not pin a multi-megabyte buffer for the rest of the file
		// because of one long line: the caller copies the line anyway.
		line = lr.long
		lr.long = nil
		return line, false, nil
	}
	return lr.long, false, nil
}

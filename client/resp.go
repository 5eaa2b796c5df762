package client

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unsafe"
)

// maxReplyDepth bounds the nesting of arrays in a reply; logdb's are at
// most four deep.
const maxReplyDepth = 16

// writeCommand writes args as a RESP array of bulk strings.
func writeCommand(w *bufio.Writer, args []string) error {
	w.WriteByte('*')
	w.WriteString(strconv.Itoa(len(args)))
	w.WriteString("\r\n")
	for _, a := range args {
		w.WriteByte('$')
		w.WriteString(strconv.Itoa(len(a)))
		w.WriteString("\r\n")
		w.WriteString(a)
		w.WriteString("\r\n")
	}
	return w.Flush()
}

// readReply reads one RESP2 reply: a string (simple or bulk), an int64, nil
// (null bulk or array), a []any (array), or an *Error, returned as the
// error.
func readReply(r *bufio.Reader) (any, error) {
	v, err := readValue(r, 0)
	if err != nil {
		return nil, err
	}
	if e, ok := v.(*Error); ok {
		return nil, e
	}
	return v, nil
}

// readValue reads a value; error replies inside arrays stay values.
func readValue(r *bufio.Reader, depth int) (any, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	if len(line) == 0 {
		return nil, fmt.Errorf("%w: empty line", ErrProtocol)
	}
	body := line[1:]
	switch line[0] {
	case '+':
		return string(body), nil
	case '-':
		code, msg, _ := strings.Cut(string(body), " ")
		return &Error{Code: code, Msg: msg}, nil
	case ':':
		n, err := strconv.ParseInt(string(body), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: bad integer %q", ErrProtocol, body)
		}
		return n, nil
	case '$':
		n, err := strconv.Atoi(string(body))
		if err != nil || n < -1 {
			return nil, fmt.Errorf("%w: bad bulk length %q", ErrProtocol, body)
		}
		if n == -1 {
			return nil, nil
		}
		b, err := readBulk(r, n+2)
		if err != nil {
			return nil, noEOF(err)
		}
		if b[n] != '\r' || b[n+1] != '\n' {
			return nil, fmt.Errorf("%w: bulk string not followed by CRLF", ErrProtocol)
		}
		if n == 0 {
			return "", nil
		}
		// b is not used again: the string may share its memory.
		return unsafe.String(&b[0], n), nil
	case '*':
		n, err := strconv.Atoi(string(body))
		if err != nil || n < -1 {
			return nil, fmt.Errorf("%w: bad array length %q", ErrProtocol, body)
		}
		if n == -1 {
			return nil, nil
		}
		if depth >= maxReplyDepth {
			return nil, fmt.Errorf("%w: arrays nested too deep", ErrProtocol)
		}
		out := make([]any, 0, min(n, 1<<16))
		for i := 0; i < n; i++ {
			v, err := readValue(r, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: unexpected reply type %q", ErrProtocol, line[0])
}

// readBulk reads n bytes. Past 1 MiB it grows its buffer as the bytes
// arrive, so that a declared length costs nothing until they are sent.
func readBulk(r *bufio.Reader, n int) ([]byte, error) {
	if n <= 1<<20 {
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		return b, err
	}
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, r, int64(n)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// readLine reads a line without its CRLF. The slice is valid until the
// next read; reply header lines are short, and a longer one is an error.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: reply line too long", ErrProtocol)
		}
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

package server

import (
	"bufio"
	"strconv"
	"strings"
	"time"
)

// A Writer writes RESP2 replies. Write errors are kept by the underlying
// bufio.Writer and come back from Flush.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	bw  *bufio.Writer
	num []byte // scratch for numbers and times
	hdr []byte // scratch for headers
}

// NewWriter returns a Writer on bw.
func NewWriter(bw *bufio.Writer) *Writer { return &Writer{bw: bw} }

// Simple writes a simple string: +OK.
func (w *Writer) Simple(s string) {
	w.bw.WriteByte('+')
	w.bw.WriteString(oneLine(s))
	w.bw.WriteString("\r\n")
}

// Error writes an error reply: -CODE message. The code is the first word,
// by which clients tell errors apart (ERR, NOAUTH, RATELIMIT …). Line
// breaks in the message become spaces, since an error is one line.
func (w *Writer) Error(code, msg string) {
	w.bw.WriteByte('-')
	w.bw.WriteString(code)
	if msg != "" {
		w.bw.WriteByte(' ')
		w.bw.WriteString(oneLine(msg))
	}
	w.bw.WriteString("\r\n")
}

// Int writes an integer.
func (w *Writer) Int(n int64) {
	w.num = strconv.AppendInt(append(w.num[:0], ':'), n, 10)
	w.num = append(w.num, '\r', '\n')
	w.bw.Write(w.num)
}

// Bool writes 1 or 0.
func (w *Writer) Bool(b bool) {
	if b {
		w.Int(1)
	} else {
		w.Int(0)
	}
}

// Bulk writes a bulk string.
func (w *Writer) Bulk(b []byte) {
	w.header('$', len(b))
	w.bw.Write(b)
	w.bw.WriteString("\r\n")
}

// header and Bulk share w.num: Bulk(w.num) must not let header overwrite
// the bytes it writes, so header uses its own scratch.

// String writes a bulk string.
func (w *Writer) String(s string) {
	w.header('$', len(s))
	w.bw.WriteString(s)
	w.bw.WriteString("\r\n")
}

// Time writes a Unix ns time as a bulk string in TimeLayout, in UTC, or
// nil for 0 (unknown).
func (w *Writer) Time(ns int64) {
	if ns == 0 {
		w.Nil()
		return
	}
	w.num = time.Unix(0, ns).UTC().AppendFormat(w.num[:0], TimeLayout)
	w.Bulk(w.num)
}

// Nil writes the null bulk string, which redis-cli shows as (nil).
func (w *Writer) Nil() { w.bw.WriteString("$-1\r\n") }

// Array writes the header of an array of n elements, which the caller
// then writes.
func (w *Writer) Array(n int) { w.header('*', n) }

// Strings writes an array of bulk strings.
func (w *Writer) Strings(ss ...string) {
	w.Array(len(ss))
	for _, s := range ss {
		w.String(s)
	}
}

func (w *Writer) header(kind byte, n int) {
	w.hdr = strconv.AppendInt(append(w.hdr[:0], kind), int64(n), 10)
	w.hdr = append(w.hdr, '\r', '\n')
	w.bw.Write(w.hdr)
}

// Flush writes out what is buffered.
func (w *Writer) Flush() error { return w.bw.Flush() }

// Buffered returns the number of bytes written but not yet flushed.
func (w *Writer) Buffered() int { return w.bw.Buffered() }

// oneLine replaces CR and LF, which would end a simple string or an error
// early, with spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}

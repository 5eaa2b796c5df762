package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// readAll reads every request of in, recording each as its arguments
// joined by '|', or "E:" and the error (with "!" for a fatal one). It stops
// at io.EOF or a fatal error.
func readAll(t *testing.T, in string, limits func(r *Reader)) []string {
	t.Helper()
	r := NewReader(bufio.NewReaderSize(strings.NewReader(in), 16))
	if limits != nil {
		limits(r)
	}
	var out []string
	for {
		args, err := r.ReadRequest()
		var pe *ProtocolError
		switch {
		case err == io.EOF:
			return out
		case errors.As(err, &pe):
			s := "E:" + pe.Msg
			if pe.Fatal {
				return append(out, s+"!")
			}
			out = append(out, s)
		case err != nil:
			return append(out, "IO:"+err.Error())
		default:
			parts := make([]string, len(args))
			for i, a := range args {
				parts[i] = string(a)
			}
			out = append(out, strings.Join(parts, "|"))
		}
	}
}

// Ensure that requests are read in both forms and that errors leave the
// reader at the next request, as the table says.
func TestReader(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		want []string
	}{
		{"inline", "PING\r\n", []string{"PING"}},
		{"inline LF only", "READ build latest\nPING\n", []string{"READ|build|latest", "PING"}},
		{"inline blank lines skipped", "\r\n  \r\n\nPING\r\n", []string{"PING"}},
		{"inline tabs", "a\tb  c\r\n", []string{"a|b|c"}},
		{"inline double quotes", `QUERY "level>=Warn timeout" COUNT 5` + "\r\n", []string{"QUERY|level>=Warn timeout|COUNT|5"}},
		{"inline escapes", `APPEND j 0 "a\tb\nc\x41\"\\\q"` + "\r\n", []string{"APPEND|j|0|a\tb\ncA\"\\q"}},
		{"inline single quotes", `x 'it\'s "raw" \n'` + "\r\n", []string{`x|it's "raw" \n`}},
		{"inline empty quoted", `x "" ''` + "\r\n", []string{"x||"}},
		{"inline unbalanced", "x \"abc\r\nPING\r\n", []string{"E:unbalanced quotes in request", "PING"}},
		{"inline closing quote glued", "x \"a\"b\r\nPING\r\n", []string{"E:unbalanced quotes in request", "PING"}},
		{"inline single unbalanced", "x 'a\r\nPING\r\n", []string{"E:unbalanced quotes in request", "PING"}},
		{"array", "*2\r\n$4\r\nECHO\r\n$5\r\nhe\r\nl\r\n", []string{"ECHO|he\r\nl"}},
		{"array binary and empty", "*3\r\n$1\r\nX\r\n$0\r\n\r\n$3\r\n\x00\xff\n\r\n", []string{"X||\x00\xff\n"}},
		{"array then inline", "*1\r\n$4\r\nPING\r\nPING\r\n", []string{"PING", "PING"}},
		{"empty arrays skipped", "*0\r\n*-1\r\nPING\r\n", []string{"PING"}},
		{"bad array length", "*x\r\n", []string{"E:invalid multibulk length!"}},
		{"missing dollar", "*1\r\n:4\r\nPING\r\n", []string{"E:expected '$', got ':'!"}},
		{"bad bulk length", "*1\r\n$-5\r\n", []string{"E:invalid bulk length!"}},
		{"null bulk", "*1\r\n$-1\r\n", []string{"E:invalid bulk length -1!"}},
		{"no CRLF after bulk", "*1\r\n$2\r\nabc\r\n", []string{"E:bulk string not followed by CRLF!"}},
		{"truncated", "*2\r\n$4\r\nPI", []string{"IO:unexpected EOF"}},
		{"truncated header", "*2\r\n$4", []string{"IO:unexpected EOF"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, tt.in, nil)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Ensure that requests over the limits are consumed without being kept and
// answered with an error that leaves the connection usable.
func TestReader_Limits(t *testing.T) {
	small := func(r *Reader) { r.MaxInline, r.MaxRequest, r.MaxArgs = 16, 32, 3 }
	for _, tt := range []struct {
		name string
		in   string
		want []string
	}{
		{"inline at limit", strings.Repeat("a", 16) + "\r\n", []string{strings.Repeat("a", 16)}},
		{"inline over limit", strings.Repeat("a", 17) + "\r\nPING\r\n", []string{"E:inline request longer than 16 bytes (send long arguments as RESP bulk strings)", "PING"}},
		{"inline far over limit", strings.Repeat("a", 1000) + "\nPING\n", []string{"E:inline request longer than 16 bytes (send long arguments as RESP bulk strings)", "PING"}},
		{"request at limit", "*2\r\n$16\r\n" + strings.Repeat("b", 16) + "\r\n$16\r\n" + strings.Repeat("c", 16) + "\r\n", []string{strings.Repeat("b", 16) + "|" + strings.Repeat("c", 16)}},
		{"request over limit", "*2\r\n$16\r\n" + strings.Repeat("b", 16) + "\r\n$17\r\n" + strings.Repeat("c", 17) + "\r\nPING\r\n", []string{"E:request larger than 32 bytes", "PING"}},
		{"one huge argument", "*1\r\n$100\r\n" + strings.Repeat("d", 100) + "\r\nPING\r\n", []string{"E:request larger than 32 bytes", "PING"}},
		{"too many arguments", "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\nPING\r\n", []string{"E:request has 4 arguments, the limit is 3", "PING"}},
		{"huge header", "*" + strings.Repeat("9", 40) + "\r\n", []string{"E:invalid multibulk length!"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, tt.in, small)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Ensure that a declared bulk length costs no memory until the bytes
// arrive: a client announcing 60 MiB and sending 10 bytes holds 10 bytes.
func TestReader_NoPreallocation(t *testing.T) {
	r := NewReader(bufio.NewReader(strings.NewReader("*1\r\n$62914560\r\n0123456789")))
	_, err := r.ReadRequest()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err %v", err)
	}
	if cap(r.data) > 128<<10 {
		t.Fatalf("buffer grew to %d bytes for 10 bytes sent", cap(r.data))
	}
}

// Ensure that the splitting of inline commands matches Redis's
// sdssplitargs on its own test cases (sds.c's tests and redis-cli's
// documented examples).
func TestSplitInline(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "", want: nil},
		{in: "   ", want: nil},
		{in: "foo bar", want: []string{"foo", "bar"}},
		{in: `"foo bar" 'baz qux'`, want: []string{"foo bar", "baz qux"}},
		{in: `"\x41\x4a" "\x4"`, want: []string{"AJ", "x4"}},
		{in: `"a\"b" 'a\'b' 'a\"b'`, want: []string{`a"b`, `a'b`, `a\"b`}},
		{in: `set key "hello world"`, want: []string{"set", "key", "hello world"}},
		{in: `a"b"`, want: []string{"ab"}}, // a quote may open inside a word
		{in: `"unterminated`, err: true},
		{in: `"a"b`, err: true},
		{in: `'a'b`, err: true},
		{in: `"trailing backslash\`, err: true},
	} {
		got, err := splitInline([]byte(tt.in))
		if tt.err {
			if err == nil {
				t.Errorf("%q: got %q, want an error", tt.in, got)
			}
			continue
		}
		var gs []string
		for _, g := range got {
			gs = append(gs, string(g))
		}
		if err != nil || !reflect.DeepEqual(gs, tt.want) {
			t.Errorf("%q: got %q %v, want %q", tt.in, gs, err, tt.want)
		}
	}
}

// Ensure that the writer writes every reply type as RESP2 does.
func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(bufio.NewWriter(&b))
	w.Simple("OK")
	w.Error("ERR", "bad\r\nthing")
	w.Int(-42)
	w.Bool(true)
	w.String("héllo")
	w.Bulk([]byte{})
	w.Nil()
	w.Array(2)
	w.Strings("a", "b")
	w.Int(7)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "+OK\r\n-ERR bad  thing\r\n:-42\r\n:1\r\n$6\r\nhéllo\r\n$0\r\n\r\n$-1\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n:7\r\n"
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
}

// FuzzReader feeds arbitrary bytes to the reader: it must never panic,
// never return more than the limits allow, and after a non-fatal error
// still read a PING that follows.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"PING\r\n",
		"READ build latest COUNT 20\r\n",
		`QUERY "level>=Warn \"x\"" COUNT 5` + "\r\n",
		`APPEND j 0 'it\'s' "\x41\n"` + "\r\n",
		`START etl next LABEL "note=a b" TRIGGER 2025-03-20T10:00:00Z` + "\r\n",
		`GC RULE "status=failed env=dev:12h" DRYRUN` + "\r\n",
		"*3\r\n$6\r\nAPPEND\r\n$1\r\nj\r\n$1\r\n0\r\n",
		"*1\r\n$100\r\n",
		"*-1\r\n*0\r\n",
		"*2\r\n$1\r\na\r\n:1\r\n",
		"\"unbalanced\r\n",
		"$5\r\nhello\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bufio.NewReaderSize(bytes.NewReader(data), 16))
		r.MaxInline, r.MaxRequest, r.MaxArgs = 64, 256, 8
		for i := 0; i < 1000; i++ {
			args, err := r.ReadRequest()
			var pe *ProtocolError
			if errors.As(err, &pe) {
				if pe.Fatal {
					return
				}
				continue
			}
			if err != nil {
				return
			}
			if len(args) == 0 || len(args) > 64 {
				t.Fatalf("%d arguments", len(args))
			}
			n := 0
			for _, a := range args {
				n += len(a)
			}
			if n > 256 {
				t.Fatalf("request of %d bytes, %d args passed the limits", n, len(args))
			}
		}
	})
}

// Ensure that after any non-fatal error the next request is read whole:
// the reader stays in step with the stream.
func TestReader_ResyncAfterErrors(t *testing.T) {
	in := "x \"bad\r\n" + strings.Repeat("y", 100) + "\r\n*9\r\n" + strings.Repeat("$1\r\nz\r\n", 9) + "*1\r\n$4\r\nPING\r\n"
	got := readAll(t, in, func(r *Reader) { r.MaxInline, r.MaxArgs = 64, 8 })
	want := []string{"E:unbalanced quotes in request", "E:inline request longer than 64 bytes (send long arguments as RESP bulk strings)", "E:request has 9 arguments, the limit is 8", "PING"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

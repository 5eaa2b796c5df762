package client

import (
	"bufio"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that every RESP2 reply type is read, errors inside arrays stay
// values and a top-level error is returned as *Error.
func TestReadReply(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want any
		err  string
	}{
		{"+OK\r\n", "OK", ""},
		{":-7\r\n", int64(-7), ""},
		{"$5\r\nhe\r\nl\r\n", "he\r\nl", ""},
		{"$-1\r\n", nil, ""},
		{"*-1\r\n", nil, ""},
		{"*3\r\n$1\r\na\r\n*1\r\n:1\r\n-ERR inner\r\n", []any{"a", []any{int64(1)}, &Error{Code: "ERR", Msg: "inner"}}, ""},
		{"-NOTFOUND run not found\r\n", nil, "logdb server: run not found"},
		{"$3\r\nab", nil, "unexpected EOF"},
		{"?x\r\n", nil, "client: protocol error: unexpected reply type '?'"},
		{"*1\r\n" + strings.Repeat("*1\r\n", 20) + ":1\r\n", nil, "client: protocol error: arrays nested too deep"},
	} {
		got, err := readReply(bufio.NewReader(strings.NewReader(tt.in)))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: err %v, want %s", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: got %#v %v, want %#v", tt.in, got, err, tt.want)
		}
	}
}

// Ensure that error replies match the engine's sentinels and the client's
// own, and that a rate-limit reply tells how long to wait.
func TestError(t *testing.T) {
	for code, sentinel := range map[string]error{
		"NOTFOUND": engine.ErrRunNotFound, "BADCURSOR": engine.ErrBadCursor, "FINISHED": engine.ErrRunFinished,
		"TOOLONG": engine.ErrLineTooLong, "RATELIMIT": ErrRateLimited, "NOAUTH": ErrAuth, "WRONGPASS": ErrAuth, "SHUTDOWN": ErrShutdown,
	} {
		var err error = &Error{Code: code}
		if !errors.Is(err, sentinel) || errors.Is(err, ErrProtocol) {
			t.Errorf("%s does not match %v only", code, sentinel)
		}
	}
	e := &Error{Code: "RATELIMIT", Msg: "too many requests (limit 20/s per connection); retry after 35 ms"}
	if e.RetryAfter() != 35*time.Millisecond {
		t.Fatalf("RetryAfter %v", e.RetryAfter())
	}
}

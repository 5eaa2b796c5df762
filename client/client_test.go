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

// Ensure that a followed line's labels keep their kinds: numbers (with
// their text) and booleans, as package output writes them unquoted.
func TestFollower_DecodeLabelKinds(t *testing.T) {
	var f Follower
	end, err := f.decode(`{"time":"2026-01-02T03:04:05.000000000Z","level":"","job":"J","attempt":0,"line":1,"msg":"hi","label.msg":"m","f":1.50e3,"n":3,"ok":true,"s":"3","z":null}`)
	if err != nil || end {
		t.Fatalf("decode: end %v, %v", end, err)
	}
	want := engine.Labels{
		{Name: "f", Value: "1.50e3", Kind: engine.LabelNumber},
		{Name: "msg", Value: "m"},
		{Name: "n", Value: "3", Kind: engine.LabelNumber},
		{Name: "ok", Value: "true", Kind: engine.LabelBool},
		{Name: "s", Value: "3"},
	}
	if !reflect.DeepEqual(f.cur.Labels, want) {
		t.Errorf("labels = %+v\nwant %+v", f.cur.Labels, want)
	}
}

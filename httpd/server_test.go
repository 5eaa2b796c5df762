package httpd_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/klauspost/compress/snappy"

	"github.com/logdb/logdb/httpd"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that a mounted handler is served behind the token, which may come
// as a bearer token, a basic-auth password or an Elasticsearch API key,
// and that ReadBody decodes snappy within the limit.
func TestServer_MountAuthBody(t *testing.T) {
	s := httpd.New(&httpd.Options{AuthToken: "tok", MaxRequestBytes: 64})
	s.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := httpd.ReadBody(r, s.Options().MaxRequestBytes)
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		w.Write(b)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	defer func() {
		s.Shutdown(context.Background())
		if err := <-done; !errors.Is(err, httpd.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	}()
	post := func(body []byte, header ...string) (int, string) {
		return testutil.Post(t, "http://"+l.Addr().String()+"/echo", body, header...)
	}
	for _, auth := range []string{"Bearer tok", "ApiKey tok", "Basic dTp0b2s="} {
		if code, body := post([]byte("hi"), "Authorization", auth); code != 200 || body != "hi" {
			t.Errorf("%s: %d %q", auth, code, body)
		}
	}
	for _, auth := range []string{"", "Bearer nope", "Basic dTpub3Bl"} {
		if code, _ := post([]byte("hi"), "Authorization", auth); code != http.StatusUnauthorized {
			t.Errorf("%q: %d, want 401", auth, code)
		}
	}
	if code, body := post(snappy.Encode(nil, []byte("snappy")), "Authorization", "Bearer tok", "Content-Encoding", "snappy"); code != 200 || body != "snappy" {
		t.Errorf("snappy: %d %q", code, body)
	}
	big := snappy.Encode(nil, bytes.Repeat([]byte("x"), 65))
	if code, body := post(big, "Authorization", "Bearer tok", "Content-Encoding", "snappy"); code != 413 || !strings.Contains(body, "too large") {
		t.Errorf("snappy over the limit: %d %q", code, body)
	}
}

// Ensure that Serve refuses an address that is not loopback without a
// token.
func TestServer_InsecureListen(t *testing.T) {
	l, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skip(err)
	}
	if err := httpd.New(nil).Serve(l); !errors.Is(err, httpd.ErrInsecureListen) {
		t.Errorf("Serve = %v, want ErrInsecureListen", err)
	}
}

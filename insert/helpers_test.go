package insert_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/httpd"
	"github.com/logdb/logdb/insert"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/server"
)

// harness is a store in t.TempDir() with a RESP server's group commit, a
// receiver and an HTTP listener on 127.0.0.1:0.
type harness struct {
	db  *engine.DB
	rc  *insert.Receiver
	url string // http://127.0.0.1:port
}

// newHarness starts the harness; opts may be nil, token "" for none.
func newHarness(t *testing.T, opts *insert.Options, token string) *harness {
	t.Helper()
	db := testutil.MustOpenDB(t, nil)
	srv, err := server.New(db, &server.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := insert.New(srv, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httpd.New(&httpd.Options{AuthToken: token, MaxRequestBytes: 1 << 20})
	rc.Mount(hs)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, httpd.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
		rc.Close()
	})
	return &harness{db: db, rc: rc, url: "http://" + l.Addr().String()}
}

// post sends body to path and returns the status and the answer.
func (h *harness) post(t *testing.T, path, contentType string, body []byte, header ...string) (int, string) {
	t.Helper()
	return testutil.Post(t, h.url+path, body, append([]string{"Content-Type", contentType}, header...)...)
}

// lines returns every line of run job/attempt, in line order.
func (h *harness) lines(t *testing.T, job string, attempt int) []engine.Entry {
	t.Helper()
	p, err := h.db.ReadLines(context.Background(), engine.ReadRequest{Job: job, Attempt: attempt, Count: 100000})
	if err != nil {
		t.Fatalf("read %s/%d: %v", job, attempt, err)
	}
	return p.Entries
}

// runs returns "job/attempt:lines" of every run, sorted.
func (h *harness) runs(t *testing.T) string {
	t.Helper()
	rs, err := h.db.Runs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s/%d:%d", r.Job, r.Attempt, r.Lines))
	}
	return strings.Join(out, " ")
}

// info returns the receiver's counters as INFO shows them.
func (h *harness) info() map[string]any {
	m := map[string]any{}
	h.rc.InfoStats(func(k string, v any) { m[k] = v })
	return m
}

// checkEntry compares an entry's message, level, time and labels with
// want, labels as "a=1 b=2".
func checkEntry(t *testing.T, e engine.Entry, msg string, level engine.Level, tm time.Time, labels string) {
	t.Helper()
	var ls []string
	for _, l := range e.Labels {
		ls = append(ls, l.Name+"="+l.Value)
	}
	got := fmt.Sprintf("%q %v %s [%s]", e.Message, e.Level, e.Timestamp().Format(time.RFC3339Nano), strings.Join(ls, " "))
	want := fmt.Sprintf("%q %v %s [%s]", msg, level, tm.UTC().Format(time.RFC3339Nano), labels)
	if got != want {
		t.Errorf("line %d:\n got %s\nwant %s", e.Line, got, want)
	}
}

// basic returns the credentials of a basic Authorization header.
func basic(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}

var httpClient = http.DefaultClient

// newRequest returns a request with a body.
func newRequest(method, url, body string) (*http.Request, error) {
	return http.NewRequest(method, url, strings.NewReader(body))
}

func itoa(i int) string { return strconv.Itoa(i) }

// gzipped returns s gzip-compressed.
func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// pushBody is a request of lines from..to of run job/0 in one of the
// HTTP push protocols, and the path and content type it goes to.
func pushBody(proto, job string, from, to int64) (path, ctype string, body []byte) {
	var b bytes.Buffer
	switch proto {
	case "jsonline":
		for n := from; n <= to; n++ {
			fmt.Fprintf(&b, `{"job":%q,"msg":%q}`+"\n", job, serveMessage(job, 0, n))
		}
		return "/insert/jsonline", "application/x-ndjson", b.Bytes()
	case "elasticsearch":
		for n := from; n <= to; n++ {
			fmt.Fprintf(&b, `{"create":{}}`+"\n"+`{"job":%q,"message":%q}`+"\n", job, serveMessage(job, 0, n))
		}
		return "/_bulk", "application/x-ndjson", b.Bytes()
	}
	fmt.Fprintf(&b, `{"streams":[{"stream":{"job":%q},"values":[`, job)
	for n := from; n <= to; n++ {
		if n > from {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `["%d",%q]`, time.Now().UnixNano(), serveMessage(job, 0, n))
	}
	b.WriteString("]}]}")
	return "/loki/api/v1/push", "application/json", b.Bytes()
}

// Ensure that every line logdb serve acknowledged with a 2xx over its HTTP
// push endpoints (JSON lines, Elasticsearch bulk, Loki) survives kill -9
// of the server during concurrent pushes, once and in order.
func TestCLI_Serve_Kill9_Push(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	protos := []string{"jsonline", "jsonline", "elasticsearch", "loki"}
	for round := 0; round < 2; round++ {
		srv := startServe(t, dir, nil, "--rate", "0", "--http", "127.0.0.1:0")
		var url string
		select {
		case line := <-srv.stderr:
			m := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("serve printed %q", line)
			}
			url = m[1]
		case <-time.After(20 * time.Second):
			t.Fatal("logdb serve did not print its HTTP address")
		}
		var (
			mu    sync.Mutex
			acked = map[string]int64{}
			acks  int
			wg    sync.WaitGroup
		)
		for w, proto := range protos {
			job := fmt.Sprintf("%s%d-r%d", proto, w, round)
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := int64(1)
				for i := 0; ; i++ {
					n := int64(1 + (i*7)%40)
					path, ctype, body := pushBody(proto, job, next, next+n-1)
					resp, err := http.Post(url+path, ctype, bytes.NewReader(body))
					if err != nil {
						return // the server is gone
					}
					var answer bytes.Buffer
					answer.ReadFrom(resp.Body)
					resp.Body.Close()
					if resp.StatusCode/100 != 2 || strings.Contains(answer.String(), `"errors":true`) {
						t.Errorf("%s: %s: %s", job, resp.Status, answer.String())
						return
					}
					mu.Lock()
					acked[job] = next + n - 1
					acks++
					mu.Unlock()
					next += n
				}
			}()
		}
		srv.killAfter(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return acks >= 150
		})
		wg.Wait()

		db, err := engine.Open(dir, nil)
		if err != nil {
			t.Fatalf("round %d: open after kill -9: %v", round, err)
		}
		ctx := context.Background()
		for job, n := range acked {
			p, err := db.ReadLines(ctx, engine.ReadRequest{Job: job, Count: 100000})
			if err != nil {
				t.Fatalf("round %d: %s was acknowledged: %v", round, job, err)
			}
			if p.LineCount < n {
				t.Errorf("round %d: %s has %d lines, %d were acknowledged", round, job, p.LineCount, n)
			}
			for i, e := range p.Entries {
				if e.Line != int64(i+1) || e.Message != serveMessage(job, 0, e.Line) {
					t.Fatalf("round %d: %s line %d is %d %q", round, job, i+1, e.Line, e.Message)
				}
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: %d acknowledged requests checked over %d runs", round, acks, len(acked))
	}
}

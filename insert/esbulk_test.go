package insert_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	elasticsearch "github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/logdb/logdb/engine"
)

// Ensure that the official go-elasticsearch client's BulkIndexer stores
// every document once, in order in its run, with time, level and labels,
// over several flushes; that a document that is not JSON fails its item
// alone (the client's OnFailure) while the others of its request are
// stored; and that the client's product check passes.
func TestESBulk_BulkIndexer(t *testing.T) {
	h := newHarness(t, nil, "tok")
	for _, base := range []string{h.url, h.url + "/insert/elasticsearch"} {
		es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{base}, APIKey: "tok"})
		if err != nil {
			t.Fatal(err)
		}
		info, err := es.Info()
		if err != nil || info.IsError() {
			t.Fatalf("%s: Info: %v %v", base, err, info)
		}
		info.Body.Close()
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{h.url}, APIKey: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu        sync.Mutex
		failures  []string
		successes int
	)
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
		Client: es, Index: "logs-app", NumWorkers: 1, FlushBytes: 4096,
		OnError: func(_ context.Context, err error) { t.Errorf("indexer: %v", err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	base := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)
	levels := []string{"info", "WARNING", "error"}
	ctx := context.Background()
	for i := 0; i < n; i++ {
		doc, _ := json.Marshal(map[string]any{
			"@timestamp": base.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano),
			"message":    fmt.Sprintf("doc %d", i),
			"log.level":  "x", // a dotted key is a label like any other
			"level":      levels[i%3],
			"job":        fmt.Sprintf("svc%d", i%2),
			"host":       map[string]any{"name": "h1"},
		})
		body := string(doc)
		if i == 150 {
			body = "not json"
		}
		err := bi.Add(ctx, esutil.BulkIndexerItem{
			Action: "create", Body: strings.NewReader(body),
			OnSuccess: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem) {
				mu.Lock()
				successes++
				mu.Unlock()
			},
			OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
				mu.Lock()
				failures = append(failures, fmt.Sprintf("%d %s %s", res.Status, res.Error.Type, res.Error.Reason))
				mu.Unlock()
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := bi.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := bi.Stats()
	if st.NumFlushed < 3 || st.NumCreated != n-1 || st.NumFailed != 1 {
		t.Errorf("stats: %+v", st)
	}
	if successes != n-1 || len(failures) != 1 || !strings.HasPrefix(failures[0], "400 document_parsing_exception") {
		t.Errorf("%d successes, failures %q", successes, failures)
	}
	for job := 0; job < 2; job++ {
		got := h.lines(t, fmt.Sprintf("svc%d", job), 0)
		want := 0
		for i := job; i < n; i += 2 {
			if i == 150 {
				continue
			}
			if want >= len(got) {
				t.Fatalf("svc%d: %d lines; runs %s", job, len(got), h.runs(t))
			}
			lv, _ := engine.ParseLevel(levels[i%3])
			label := "host.name=h1 log.level=x"
			if levels[i%3] == "WARNING" {
				label = "host.name=h1 level_text=WARNING log.level=x"
			}
			checkEntry(t, got[want], fmt.Sprintf("doc %d", i), lv, base.Add(time.Duration(i)*time.Millisecond), label)
			want++
		}
		if len(got) != want {
			t.Errorf("svc%d: %d lines, want %d", job, len(got), want)
		}
	}
}

// Ensure that a malformed action line refuses the whole bulk request with
// Elasticsearch's error object, storing nothing of it; that delete and
// update get an error item each; and that the probes Beats and Logstash
// send are answered.
func TestESBulk_Errors(t *testing.T) {
	h := newHarness(t, nil, "")
	code, body := h.post(t, "/_bulk", "application/x-ndjson", []byte(`{"create":{}}`+"\n"+`{"message":"lost","job":"j"}`+"\n"+`garbage`+"\n"))
	var e struct {
		Error struct {
			Type, Reason string
		}
		Status int
	}
	if json.Unmarshal([]byte(body), &e); code != 400 || e.Status != 400 || e.Error.Type != "illegal_argument_exception" || !strings.Contains(e.Error.Reason, "line 3") {
		t.Errorf("malformed action: %d %s", code, body)
	}
	code, body = h.post(t, "/myindex/_bulk", "application/x-ndjson", []byte(`{"index":{"_id":"1"}}
{"message":"kept","job":"j"}
{"delete":{"_id":"1"}}
{"update":{"_id":"1"}}
{"doc":{}}
`))
	var r struct {
		Errors bool
		Items  []map[string]struct {
			Index  string `json:"_index"`
			ID     string `json:"_id"`
			Status int
		}
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || code != 200 || !r.Errors || len(r.Items) != 3 {
		t.Fatalf("%d %s", code, body)
	}
	if it := r.Items[0]["index"]; it.Status != 201 || it.Index != "myindex" || it.ID != "j/0/1" {
		t.Errorf("index item: %+v", it)
	}
	if r.Items[1]["delete"].Status != 400 || r.Items[2]["update"].Status != 400 {
		t.Errorf("delete, update items: %s", body)
	}
	if got := h.lines(t, "j", 0); len(got) != 1 || got[0].Message != "kept" {
		t.Errorf("run j/0: %v", got)
	}
	for _, probe := range []struct{ method, path string }{
		{"GET", "/"}, {"HEAD", "/"}, {"GET", "/_license"}, {"PUT", "/_index_template/filebeat"},
		{"GET", "/_index_template/filebeat"}, {"PUT", "/_ilm/policy/logs"}, {"GET", "/insert/elasticsearch/"},
	} {
		req, _ := newRequest(probe.method, h.url+probe.path, "{}")
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("X-Elastic-Product") != "Elasticsearch" {
			t.Errorf("%s %s: %d %v", probe.method, probe.path, resp.StatusCode, resp.Header)
		}
	}
}

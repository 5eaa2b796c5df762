package insert

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ship"
)

// The Elasticsearch API, as much of it as shippers use: POST _bulk with
// the per-item response, and the endpoints that Filebeat, Logstash and the
// go-elasticsearch client probe before they send (GET and HEAD /,
// _license, index templates, ILM policies, ingest pipelines), answered so
// that they go on. Every answer carries X-Elastic-Product: Elasticsearch,
// which the official clients check.

// esVersion is the Elasticsearch version GET / reports: one that the 8.x
// clients and Beats accept.
const esVersion = "8.17.0"

// mountES mounts the Elasticsearch endpoints under prefix ("" for the
// root).
func (rc *Receiver) mountES(s interface {
	HandleFunc(string, func(http.ResponseWriter, *http.Request))
}, prefix string) {
	// GET patterns serve HEAD too. Bulk is POST only: PUT /{index}/_bulk
	// would overlap PUT /_index_template/{name}.
	s.HandleFunc("POST "+prefix+"/_bulk", rc.serveBulk)
	s.HandleFunc("POST "+prefix+"/{index}/_bulk", rc.serveBulk)
	s.HandleFunc("GET "+prefix+"/{$}", serveESInfo)
	s.HandleFunc("GET "+prefix+"/_license", serveESLicense)
	for _, p := range []string{"/_index_template/{name}", "/_template/{name}", "/_ilm/policy/{name}", "/_ingest/pipeline/{name}", "/_component_template/{name}"} {
		for _, m := range []string{"GET ", "PUT ", "DELETE "} {
			s.HandleFunc(m+prefix+p, serveESAcknowledged)
		}
	}
	if prefix != "" {
		// Without a trailing slash too: clients given the prefix as their
		// URL ask for it.
		s.HandleFunc("GET "+prefix, serveESInfo)
	}
}

func writeESJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// serveESInfo answers GET / as an Elasticsearch node does.
func serveESInfo(w http.ResponseWriter, r *http.Request) {
	writeESJSON(w, http.StatusOK, map[string]any{
		"name":         "logdb",
		"cluster_name": "logdb",
		"cluster_uuid": "logdb",
		"version": map[string]any{
			"number":                              esVersion,
			"build_flavor":                        "default",
			"build_type":                          "logdb",
			"build_hash":                          "logdb",
			"build_date":                          "2024-12-11T12:08:05.663969764Z",
			"build_snapshot":                      false,
			"lucene_version":                      "9.12.0",
			"minimum_wire_compatibility_version":  "7.17.0",
			"minimum_index_compatibility_version": "7.0.0",
		},
		"tagline": "You Know, for Search",
	})
}

// serveESLicense answers GET /_license with an active basic licence.
func serveESLicense(w http.ResponseWriter, r *http.Request) {
	writeESJSON(w, http.StatusOK, map[string]any{
		"license": map[string]any{"status": "active", "uid": "logdb", "type": "basic", "issue_date_in_millis": 0},
	})
}

// serveESAcknowledged answers a template, policy or pipeline request:
// logdb needs none, and says it has each, so that shippers do not try to
// install them again.
func serveESAcknowledged(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		// "It exists"; an empty definition.
		writeESJSON(w, http.StatusOK, map[string]any{})
		return
	}
	writeESJSON(w, http.StatusOK, map[string]any{"acknowledged": true})
}

// esError answers a request Elasticsearch would refuse whole, in its
// error shape.
func esError(w http.ResponseWriter, status int, typ string, err error) {
	cause := map[string]any{"type": typ, "reason": err.Error()}
	writeESJSON(w, status, map[string]any{
		"error":  map[string]any{"root_cause": []any{cause}, "type": typ, "reason": err.Error()},
		"status": status,
	})
}

// serveBulk answers POST /_bulk and /<index>/_bulk. Every document that
// decodes is appended in one durable append; the response has an item per
// action in order, 201 for a stored document (its _id is
// job/attempt/line), 400 for a document refused alone, so that a client
// retries or reports just those. A malformed action line refuses the
// whole request with 400, nothing stored. The response comes once the
// stored documents are durable.
func (rc *Receiver) serveBulk(w http.ResponseWriter, r *http.Request) {
	const p = ship.ESBulk
	start := time.Now()
	c := rc.counters(p)
	mp, err := rc.mapper(p, r)
	if err != nil {
		c.requests.Add(1)
		c.rejected.Add(1)
		esError(w, http.StatusBadRequest, "illegal_argument_exception", err)
		return
	}
	body, status, err := rc.readBody(p, r)
	if err != nil {
		typ := "parse_exception"
		if status == http.StatusRequestEntityTooLarge {
			typ = "content_too_long_exception"
		}
		esError(w, status, typ, err)
		return
	}
	items, err := ship.DecodeESBulk(body, r.PathValue("index"), rc.decodeOptions())
	if err != nil {
		c.rejected.Add(1)
		esError(w, http.StatusBadRequest, "illegal_argument_exception", fmt.Errorf("%v; nothing of the request was stored", err))
		return
	}
	var (
		es    []engine.Entry
		owner []int // owner[k]: the item of es[k]
	)
	for i := range items {
		it := &items[i]
		if it.Err != nil {
			continue
		}
		e, err := mp.Entry(it.Record)
		if err != nil {
			it.Err = err
			continue
		}
		es = append(es, e)
		owner = append(owner, i)
	}
	lines, _, appendErr := rc.appendEntries(p, es)
	ids := make([]string, len(items))
	seq := make([]int64, len(items))
	for k, i := range owner {
		if appendErr == nil {
			ids[i] = fmt.Sprintf("%s/%d/%d", es[k].Job, es[k].Attempt, lines[k])
			seq[i] = lines[k]
		} else {
			items[i].Err = appendErr
		}
	}
	failed := false
	out := make([]any, len(items))
	for i, it := range items {
		res := map[string]any{"_index": it.Index}
		if it.Err != nil {
			failed = true
			st, typ := http.StatusBadRequest, "document_parsing_exception"
			switch {
			case errors.Is(it.Err, ship.ErrTooLong):
				typ = "content_too_long_exception"
			case errors.Is(it.Err, ship.ErrBadField):
				typ = "illegal_argument_exception"
			case it.Err == appendErr:
				st, typ = appendStatus(appendErr), "exception"
			}
			if it.ID != "" {
				res["_id"] = it.ID
			}
			res["status"] = st
			res["error"] = map[string]any{"type": typ, "reason": it.Err.Error()}
		} else {
			res["_id"] = ids[i]
			res["_version"] = 1
			res["result"] = "created"
			res["_shards"] = map[string]int{"total": 1, "successful": 1, "failed": 0}
			res["_seq_no"] = seq[i]
			res["_primary_term"] = 1
			res["status"] = http.StatusCreated
		}
		out[i] = map[string]any{it.Op: res}
	}
	if failed {
		c.rejected.Add(1)
	}
	writeESJSON(w, http.StatusOK, map[string]any{
		"took":   time.Since(start).Milliseconds(),
		"errors": failed,
		"items":  out,
	})
}

package ship

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// A BulkItem is one action of an Elasticsearch bulk request, answered by
// one item of the response.
type BulkItem struct {
	// Op is the action: "index" or "create" store a document; "delete"
	// and "update" are answered with an error, as a log store keeps no
	// documents to change.
	Op string
	// Index is the action's _index, or the one in the request's path.
	Index string
	// ID is the action's _id, if it gave one.
	ID string
	// Record is the document's record; nil when Err is set.
	Record *Record
	// Err rejects this item alone (a document that is not a JSON object,
	// an unsupported action); it wraps ErrMalformed or ErrTooLong.
	Err error
}

// bulkAction is the JSON of an action line's body.
type bulkAction struct {
	Index string `json:"_index"`
	ID    string `json:"_id"`
}

// DecodeESBulk decodes the NDJSON body of an Elasticsearch _bulk request:
// action lines ({"index":{…}}, {"create":{…}}), each followed by its
// document, which is read as a JSON line (see DecodeJSONLines). index is
// the default _index (from the path /<index>/_bulk). A malformed action
// line fails the whole request with a *RecordError naming its line, as
// Elasticsearch refuses such a body; a bad document fails its item only.
func DecodeESBulk(body []byte, index string, o Options) ([]BulkItem, error) {
	o = o.withDefaults()
	var (
		items []BulkItem
		docs  bytes.Buffer // the documents, one a line
		owner []int        // owner[k]: the item of docs' line k+1
		at    []int        // at[k]: the request line of docs' line k+1
	)
	line := 0
	for len(body) > 0 {
		var l []byte
		l, body, _ = bytes.Cut(body, []byte("\n"))
		line++
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		// A struct, not a map: decoding one is twice as fast, and every
		// document of a bulk request has an action line.
		var action struct {
			Index  *bulkAction `json:"index"`
			Create *bulkAction `json:"create"`
			Delete *bulkAction `json:"delete"`
			Update *bulkAction `json:"update"`
		}
		if err := json.Unmarshal(l, &action); err != nil || l[0] != '{' {
			return nil, recordErrorf(fmt.Sprintf("line %d", line), ErrMalformed, "expected an action line such as {\"create\":{}} (the bulk body alternates actions and documents)")
		}
		var it BulkItem
		n := 0
		for _, a := range []struct {
			op string
			a  *bulkAction
		}{{"index", action.Index}, {"create", action.Create}, {"delete", action.Delete}, {"update", action.Update}} {
			if a.a != nil {
				it = BulkItem{Op: a.op, Index: a.a.Index, ID: a.a.ID}
				n++
			}
		}
		if n != 1 {
			return nil, recordErrorf(fmt.Sprintf("line %d", line), ErrMalformed, "want one action, index or create, in the action line, not %d", n)
		}
		if it.Index == "" {
			it.Index = index
		}
		switch it.Op {
		case "index", "create", "update":
			var doc []byte
			doc, body, _ = bytes.Cut(body, []byte("\n"))
			line++
			doc = bytes.TrimSpace(doc)
			if it.Op == "update" {
				it.Err = recordErrorf(fmt.Sprintf("line %d", line), ErrMalformed, "update is not supported: log lines are not changed once stored")
				break
			}
			if len(doc) == 0 {
				it.Err = recordErrorf(fmt.Sprintf("line %d", line), ErrMalformed, "the %s action has no document", it.Op)
				break
			}
			docs.Write(doc)
			docs.WriteByte('\n')
			owner = append(owner, len(items))
			at = append(at, line)
		case "delete":
			it.Err = recordErrorf(fmt.Sprintf("line %d", line), ErrMalformed, "delete is not supported: log lines are removed by retention")
		}
		items = append(items, it)
	}
	err := decodeJSON(docs.Bytes(), o, func(r Record, n int64) error {
		rec := r
		rec.Where = fmt.Sprintf("line %d", at[n-1])
		items[owner[n-1]].Record = &rec
		return nil
	}, func(n int64, err error) error {
		var re *RecordError
		if errors.As(err, &re) {
			re.Where = fmt.Sprintf("line %d", at[n-1])
		}
		items[owner[n-1]].Err = err
		return nil
	})
	return items, err
}

package insert

import (
	"net/http"

	"github.com/logdb/logdb/ship"
)

// serveJSONLine answers POST /insert/jsonline: one JSON object per line, as
// logdb ingest --format json reads them. The request is all or nothing: a
// bad line fails it with 400 and a plain-text reason naming the line, and
// nothing of it is stored. 200 means every line is durable.
func (rc *Receiver) serveJSONLine(w http.ResponseWriter, r *http.Request) {
	_, status, err := rc.push(ship.JSONLine, r, func(body []byte) ([]ship.Record, error) {
		return ship.DecodeJSONLines(body, rc.decodeOptions())
	})
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	w.WriteHeader(http.StatusOK)
}

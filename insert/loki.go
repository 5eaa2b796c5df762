package insert

import (
	"mime"
	"net/http"

	"github.com/klauspost/compress/snappy"

	"github.com/logdb/logdb/httpd"
	"github.com/logdb/logdb/ship"
)

// serveLoki answers POST /loki/api/v1/push: a push request in JSON
// (Content-Type application/json, optionally gzip'd) or in protobuf
// (application/x-protobuf, snappy-compressed as Promtail, Alloy and the
// Loki clients send it). 204 means every line is durable; a bad request
// is refused with 400 and a plain-text reason naming the stream and
// entry, as Loki does, and nothing of it is stored.
func (rc *Receiver) serveLoki(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	_, status, err := rc.push(ship.Loki, r, func(body []byte) ([]ship.Record, error) {
		o := rc.decodeOptions()
		if ct == "application/json" {
			return ship.DecodeLokiJSON(body, o)
		}
		if r.Header.Get("Content-Encoding") == "" {
			// The protobuf body is snappy's block format without a
			// Content-Encoding saying so.
			n, err := snappy.DecodedLen(body)
			if err != nil {
				return nil, &ship.RecordError{Where: "body", Err: errSnappy(err)}
			}
			if int64(n) > rc.opts.MaxRequestBytes {
				return nil, &ship.RecordError{Where: "body", Err: httpd.ErrTooLarge}
			}
			if body, err = snappy.Decode(nil, body); err != nil {
				return nil, &ship.RecordError{Where: "body", Err: errSnappy(err)}
			}
		}
		return ship.DecodeLokiProtobuf(body, o)
	})
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

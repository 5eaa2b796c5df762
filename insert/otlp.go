package insert

import (
	"mime"
	"net/http"

	collogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/logdb/logdb/ship"
)

// serveOTLP answers POST /v1/logs, OTLP/HTTP: an ExportLogsServiceRequest
// in protobuf (application/x-protobuf) or JSON (application/json), gzip'd
// or not. The answer is in the request's encoding, as the OTLP
// specification asks: 200 with an ExportLogsServiceResponse once every
// record is durable, or 4xx/5xx with a google.rpc.Status whose message
// names the record; nothing of a refused request is stored.
func (rc *Receiver) serveOTLP(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	asJSON := ct == "application/json"
	_, code, err := rc.push(ship.OTLP, r, func(body []byte) ([]ship.Record, error) {
		if asJSON {
			return ship.DecodeOTLPJSON(body, rc.decodeOptions())
		}
		return ship.DecodeOTLPProtobuf(body, rc.decodeOptions())
	})
	var msg proto.Message = &collogs.ExportLogsServiceResponse{}
	if err != nil {
		// 3 is gRPC's INVALID_ARGUMENT, 13 INTERNAL.
		c := int32(3)
		if code >= 500 {
			c = 13
		}
		msg = &status.Status{Code: c, Message: err.Error()}
	} else {
		code = http.StatusOK
	}
	var b []byte
	if asJSON {
		w.Header().Set("Content-Type", "application/json")
		b, _ = protojson.Marshal(msg)
	} else {
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, _ = proto.Marshal(msg)
	}
	w.WriteHeader(code)
	w.Write(b)
}

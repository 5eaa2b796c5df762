package ship

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	collogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	common "go.opentelemetry.io/proto/otlp/common/v1"
	logs "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
)

// OpenTelemetry logs (POST /v1/logs) arrive as an ExportLogsServiceRequest
// of the OTLP protobuf definitions (go.opentelemetry.io/proto/otlp), in
// protobuf or in OTLP's JSON. Each log record becomes a record:
//
//   - the message is the body: a string as it is, any other value as JSON;
//   - the time is time_unix_nano, else observed_time_unix_nano;
//   - the level is the severity number's range (TRACE 1–4, DEBUG 5–8,
//     INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24), else the severity
//     text's level name; a severity text other than the level's name is
//     kept as the field level_text;
//   - the resource's attributes, the scope's name (otel.scope.name) and
//     the record's attributes are fields, nested maps flattened with
//     dotted names, arrays as JSON;
//   - trace_id and span_id are fields in lowercase hex, so that a query
//     trace_id=… finds a trace's lines;
//   - the job is service.name by default (DefaultJobFields).

// The fields of an OTLP record besides its attributes.
const (
	OTLPTraceID   = "trace_id"
	OTLPSpanID    = "span_id"
	OTLPScopeName = "otel.scope.name"
	OTLPEventName = "event.name"
)

// DecodeOTLPProtobuf decodes an ExportLogsServiceRequest in protobuf.
func DecodeOTLPProtobuf(body []byte, o Options) ([]Record, error) {
	var req collogs.ExportLogsServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		return nil, recordErrorf("body", ErrMalformed, "not an OTLP ExportLogsServiceRequest in protobuf: %v", err)
	}
	return otlpRecords(&req, o, false)
}

// DecodeOTLPJSON decodes an ExportLogsServiceRequest in OTLP's JSON, whose
// trace and span ids are hex, not base64 as in protobuf's JSON mapping.
func DecodeOTLPJSON(body []byte, o Options) ([]Record, error) {
	var req collogs.ExportLogsServiceRequest
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, &req); err != nil {
		return nil, recordErrorf("body", ErrMalformed, "not an OTLP ExportLogsServiceRequest in JSON: %v", err)
	}
	return otlpRecords(&req, o, true)
}

func otlpRecords(req *collogs.ExportLogsServiceRequest, o Options, fromJSON bool) ([]Record, error) {
	o = o.withDefaults()
	var recs []Record
	for i, rl := range req.GetResourceLogs() {
		var res []engine.Label
		for _, kv := range rl.GetResource().GetAttributes() {
			res = appendAnyValue(res, kv.GetKey(), kv.GetValue())
		}
		for j, sl := range rl.GetScopeLogs() {
			scope := res
			if name := sl.GetScope().GetName(); name != "" {
				scope = append(scope[:len(scope):len(scope)], engine.Label{Name: OTLPScopeName, Value: name})
			}
			for k, lr := range sl.GetLogRecords() {
				where := fmt.Sprintf("resource %d scope %d record %d", i+1, j+1, k+1)
				r, err := otlpRecord(lr, scope, fromJSON)
				if err != nil {
					return nil, &RecordError{Where: where, Err: err}
				}
				if len(r.Message) > o.MaxLineBytes {
					return nil, recordErrorf(where, ErrTooLong, "%d bytes, the limit is %d", len(r.Message), o.MaxLineBytes)
				}
				r.Where = where
				recs = append(recs, r)
			}
		}
	}
	return recs, nil
}

func otlpRecord(lr *logs.LogRecord, scope []engine.Label, fromJSON bool) (Record, error) {
	r := Record{Fields: append([]engine.Label(nil), scope...)}
	t := lr.GetTimeUnixNano()
	if t == 0 {
		t = lr.GetObservedTimeUnixNano()
	}
	if t > math.MaxInt64 {
		return r, fmt.Errorf("%w: time_unix_nano %d is out of range", ErrMalformed, t)
	}
	r.Time = int64(t)
	switch b := lr.GetBody(); b.GetValue().(type) {
	case nil:
	case *common.AnyValue_StringValue:
		r.Message = b.GetStringValue()
	default:
		r.Message = anyJSON(b)
	}
	text := lr.GetSeverityText()
	if n := lr.GetSeverityNumber(); n >= 1 && n <= 24 {
		r.Level = [...]engine.Level{engine.Trace, engine.Debug, engine.Info, engine.Warn, engine.Error, engine.Fatal}[(n-1)/4]
	} else if l, ok := engine.ParseLevel(text); ok {
		r.Level = l
	}
	if text != "" && text != r.Level.String() {
		r.field(ingest.LevelTextLabel, text)
	}
	for _, kv := range lr.GetAttributes() {
		r.Fields = appendAnyValue(r.Fields, kv.GetKey(), kv.GetValue())
	}
	if name := lr.GetEventName(); name != "" {
		r.field(OTLPEventName, name)
	}
	if id := otlpID(lr.GetTraceId(), 16, fromJSON); id != "" {
		r.field(OTLPTraceID, id)
	}
	if id := otlpID(lr.GetSpanId(), 8, fromJSON); id != "" {
		r.field(OTLPSpanID, id)
	}
	return r, nil
}

// otlpID writes a trace or span id of size bytes in hex. OTLP's JSON
// writes ids in hex where protobuf's JSON mapping, which protojson
// follows, reads base64: the hex text, itself valid base64, arrives
// decoded as base64, 3/2 as long; encoding it back gives the hex.
func otlpID(b []byte, size int, fromJSON bool) string {
	switch {
	case len(b) == 0:
		return ""
	case fromJSON && len(b) == size*3/2:
		return base64.StdEncoding.EncodeToString(b)
	}
	return hex.EncodeToString(b)
}

// appendAnyValue appends the field name=v, a map flattened into
// name.key fields.
func appendAnyValue(ls []engine.Label, name string, v *common.AnyValue) []engine.Label {
	switch x := v.GetValue().(type) {
	case nil:
		return ls
	case *common.AnyValue_StringValue:
		return append(ls, engine.Label{Name: name, Value: x.StringValue})
	case *common.AnyValue_BoolValue:
		return append(ls, engine.Label{Name: name, Value: strconv.FormatBool(x.BoolValue), Kind: engine.LabelBool})
	case *common.AnyValue_IntValue:
		return append(ls, engine.Label{Name: name, Value: strconv.FormatInt(x.IntValue, 10), Kind: engine.LabelNumber})
	case *common.AnyValue_DoubleValue:
		if math.IsInf(x.DoubleValue, 0) || math.IsNaN(x.DoubleValue) {
			return append(ls, engine.Label{Name: name, Value: strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)})
		}
		return append(ls, engine.Label{Name: name, Value: strconv.FormatFloat(x.DoubleValue, 'g', -1, 64), Kind: engine.LabelNumber})
	case *common.AnyValue_KvlistValue:
		for _, kv := range x.KvlistValue.GetValues() {
			ls = appendAnyValue(ls, name+"."+kv.GetKey(), kv.GetValue())
		}
		return ls
	}
	return append(ls, engine.Label{Name: name, Value: anyJSON(v)})
}

// anyJSON writes v as JSON: a map as an object, an array as an array,
// bytes as base64.
func anyJSON(v *common.AnyValue) string {
	b, err := json.Marshal(anyPlain(v))
	if err != nil {
		return fmt.Sprint(anyPlain(v)) // a NaN or an infinity
	}
	return string(b)
}

func anyPlain(v *common.AnyValue) any {
	switch x := v.GetValue().(type) {
	case *common.AnyValue_StringValue:
		return x.StringValue
	case *common.AnyValue_BoolValue:
		return x.BoolValue
	case *common.AnyValue_IntValue:
		return x.IntValue
	case *common.AnyValue_DoubleValue:
		return x.DoubleValue
	case *common.AnyValue_BytesValue:
		return x.BytesValue
	case *common.AnyValue_ArrayValue:
		out := make([]any, 0, len(x.ArrayValue.GetValues()))
		for _, e := range x.ArrayValue.GetValues() {
			out = append(out, anyPlain(e))
		}
		return out
	case *common.AnyValue_KvlistValue:
		out := make(map[string]any, len(x.KvlistValue.GetValues()))
		for _, kv := range x.KvlistValue.GetValues() {
			out[kv.GetKey()] = anyPlain(kv.GetValue())
		}
		return out
	}
	return nil
}

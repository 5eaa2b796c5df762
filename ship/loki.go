package ship

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/logdb/logdb/engine"
)

// Loki push requests (POST /loki/api/v1/push) carry streams: a set of
// labels and its entries, each a time, a line and optional structured
// metadata. The stream's labels and the entry's metadata become fields;
// the level comes from a level, detected_level or severity field whose
// value is a level name, which is then not kept as a field. The job is the
// job label by default (DefaultJobFields).
//
// The protobuf body is push.proto's PushRequest (package logproto):
//
//	PushRequest    { repeated StreamAdapter streams = 1; }
//	StreamAdapter  { string labels = 1; repeated EntryAdapter entries = 2; }
//	EntryAdapter   { google.protobuf.Timestamp timestamp = 1; string line = 2;
//	                 repeated LabelPairAdapter structuredMetadata = 3; }
//	LabelPairAdapter { string name = 1; string value = 2; }
//
// decoded here with protowire, field by field, so that no generated code
// of the AGPL-licensed Loki module is needed. Unknown fields are skipped.

// lokiLevelFields are the fields a Loki entry's level is read from.
var lokiLevelFields = []string{"level", "detected_level", "severity"}

// DecodeLokiJSON decodes a Loki push request in JSON:
//
//	{"streams":[{"stream":{"job":"build"},"values":[["1700000000000000000","line",{"trace_id":"…"}]]}]}
//
// An error is a *RecordError naming the stream and entry.
func DecodeLokiJSON(body []byte, o Options) ([]Record, error) {
	o = o.withDefaults()
	var req struct {
		Streams []struct {
			Stream map[string]string   `json:"stream"`
			Values [][]json.RawMessage `json:"values"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, recordErrorf("body", ErrMalformed, "not a Loki push request in JSON: %v", err)
	}
	var recs []Record
	for i, s := range req.Streams {
		labels := make([]engine.Label, 0, len(s.Stream))
		for k, v := range s.Stream {
			labels = append(labels, engine.Label{Name: k, Value: v})
		}
		for j, v := range s.Values {
			where := fmt.Sprintf("stream %d value %d", i+1, j+1)
			if len(v) < 2 || len(v) > 3 {
				return nil, recordErrorf(where, ErrMalformed, "want [\"<unix ns>\", \"<line>\"] or a third element of metadata, not %d elements", len(v))
			}
			var ts, line string
			if json.Unmarshal(v[0], &ts) != nil {
				return nil, recordErrorf(where, ErrMalformed, "the time must be a string of Unix nanoseconds")
			}
			t, err := strconv.ParseInt(ts, 10, 64)
			if err != nil {
				return nil, recordErrorf(where, ErrMalformed, "the time %q is not Unix nanoseconds", truncate(ts))
			}
			if json.Unmarshal(v[1], &line) != nil {
				return nil, recordErrorf(where, ErrMalformed, "the line must be a string")
			}
			r := Record{Time: t, Message: line, Fields: append([]engine.Label(nil), labels...), Where: where}
			if len(v) == 3 {
				var md map[string]string
				if json.Unmarshal(v[2], &md) != nil {
					return nil, recordErrorf(where, ErrMalformed, "the structured metadata must be an object of strings")
				}
				extra := make([]engine.Label, 0, len(md))
				for k, v := range md {
					extra = append(extra, engine.Label{Name: k, Value: v})
				}
				r.Fields = append(r.Fields, extra...)
			}
			if err := lokiFinish(&r, where, o); err != nil {
				return nil, err
			}
			recs = append(recs, r)
		}
	}
	return recs, nil
}

// lokiFinish checks the line's size and takes the level from its fields.
func lokiFinish(r *Record, where string, o Options) error {
	if len(r.Message) > o.MaxLineBytes {
		return recordErrorf(where, ErrTooLong, "%d bytes, the limit is %d", len(r.Message), o.MaxLineBytes)
	}
	for _, name := range lokiLevelFields {
		for i := len(r.Fields) - 1; i >= 0; i-- {
			if r.Fields[i].Name != name {
				continue
			}
			if l, ok := engine.ParseLevel(r.Fields[i].Value); ok {
				r.Level = l
				r.Fields = append(r.Fields[:i], r.Fields[i+1:]...)
				return nil
			}
		}
	}
	return nil
}

// DecodeLokiProtobuf decodes a Loki push request in protobuf, already
// uncompressed (Loki's clients send it snappy-compressed). An error is a
// *RecordError naming the stream and entry.
func DecodeLokiProtobuf(body []byte, o Options) ([]Record, error) {
	o = o.withDefaults()
	var recs []Record
	stream := 0
	err := eachField(body, "body", func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num != 1 || typ != protowire.BytesType {
			return nil
		}
		stream++
		var (
			labels  []engine.Label
			entries [][]byte
		)
		where := fmt.Sprintf("stream %d", stream)
		err := eachField(v, where, func(num protowire.Number, typ protowire.Type, v []byte) error {
			switch {
			case num == 1 && typ == protowire.BytesType:
				var err error
				if labels, err = parseLokiLabels(string(v)); err != nil {
					return recordErrorf(where, ErrMalformed, "labels %q: %v", truncate(string(v)), err)
				}
			case num == 2 && typ == protowire.BytesType:
				entries = append(entries, v)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Labels may follow entries on the wire: decode entries after.
		for j, ev := range entries {
			where := fmt.Sprintf("stream %d entry %d", stream, j+1)
			r := Record{Fields: append([]engine.Label(nil), labels...), Where: where}
			err := eachField(ev, where, func(num protowire.Number, typ protowire.Type, v []byte) error {
				switch {
				case num == 1 && typ == protowire.BytesType:
					var sec, nsec int64
					err := eachField(v, where, func(num protowire.Number, typ protowire.Type, v []byte) error {
						if typ != protowire.VarintType {
							return nil
						}
						n, _ := protowire.ConsumeVarint(v)
						switch num {
						case 1:
							sec = int64(n)
						case 2:
							nsec = int64(int32(n))
						}
						return nil
					})
					if err != nil {
						return err
					}
					r.Time = sec*1e9 + nsec
				case num == 2 && typ == protowire.BytesType:
					r.Message = string(v)
				case num == 3 && typ == protowire.BytesType:
					var l engine.Label
					err := eachField(v, where, func(num protowire.Number, typ protowire.Type, v []byte) error {
						if typ == protowire.BytesType && num == 1 {
							l.Name = string(v)
						} else if typ == protowire.BytesType && num == 2 {
							l.Value = string(v)
						}
						return nil
					})
					if err != nil {
						return err
					}
					r.Fields = append(r.Fields, l)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := lokiFinish(&r, where, o); err != nil {
				return err
			}
			recs = append(recs, r)
		}
		return nil
	})
	return recs, err
}

// eachField calls fn with each field of the protobuf message b: its
// number, wire type and value (a varint's bytes, a length-delimited
// field's contents). where names the message in errors.
func eachField(b []byte, where string, fn func(protowire.Number, protowire.Type, []byte) error) error {
	off := 0
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return recordErrorf(where, ErrMalformed, "bad protobuf at byte %d: %v", off, protowire.ParseError(n))
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return recordErrorf(where, ErrMalformed, "bad protobuf field %d at byte %d: %v", num, off, protowire.ParseError(m))
		}
		v := b[n : n+m]
		if typ == protowire.BytesType {
			v, _ = protowire.ConsumeBytes(v)
		}
		if err := fn(num, typ, v); err != nil {
			return err
		}
		b = b[n+m:]
		off += n + m
	}
	return nil
}

// parseLokiLabels parses a stream's labels as Loki writes them, in
// Prometheus' syntax: {name="value", other="with \"quotes\""}.
func parseLokiLabels(s string) ([]engine.Label, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, fmt.Errorf("want {name=\"value\", …}")
	}
	s = strings.TrimSpace(s[1 : len(s)-1])
	var out []engine.Label
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("want name=\"value\" at %q", truncate(s))
		}
		name := strings.TrimSpace(s[:eq])
		rest := strings.TrimSpace(s[eq+1:])
		q, err := strconv.QuotedPrefix(rest)
		if err != nil || q[0] != '"' {
			return nil, fmt.Errorf("the value of %s is not a quoted string", truncate(name))
		}
		v, _ := strconv.Unquote(q)
		out = append(out, engine.Label{Name: name, Value: v})
		s = strings.TrimSpace(rest[len(q):])
		if s != "" {
			if s[0] != ',' {
				return nil, fmt.Errorf("want a comma after %s=%s", truncate(name), truncate(q))
			}
			s = strings.TrimSpace(s[1:])
		}
	}
	return out, nil
}

package insert_test

import (
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/snappy"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	_ "google.golang.org/protobuf/types/known/timestamppb"

	"github.com/logdb/logdb/engine"
)

// lokiPushRequest is the PushRequest message of Loki's published
// push.proto (testdata/loki-push.proto), built as a descriptor here so
// that the test encodes with the protobuf runtime, not with the decoder
// under test.
func lokiPushRequest(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	str, msg, rep, opt := descriptorpb.FieldDescriptorProto_TYPE_STRING, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE,
		descriptorpb.FieldDescriptorProto_LABEL_REPEATED, descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
	field := func(name string, num int32, label descriptorpb.FieldDescriptorProto_Label, typ descriptorpb.FieldDescriptorProto_Type, typeName string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(num), Label: label.Enum(), Type: typ.Enum(), JsonName: proto.String(name)}
		if typeName != "" {
			f.TypeName = proto.String(typeName)
		}
		return f
	}
	fd := &descriptorpb.FileDescriptorProto{
		Name: proto.String("push.proto"), Package: proto.String("logproto"), Syntax: proto.String("proto3"),
		Dependency: []string{"google/protobuf/timestamp.proto"},
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("PushRequest"), Field: []*descriptorpb.FieldDescriptorProto{
				field("streams", 1, rep, msg, ".logproto.StreamAdapter"), field("format", 2, opt, str, "")}},
			{Name: proto.String("StreamAdapter"), Field: []*descriptorpb.FieldDescriptorProto{
				field("labels", 1, opt, str, ""), field("entries", 2, rep, msg, ".logproto.EntryAdapter"),
				field("hash", 3, opt, descriptorpb.FieldDescriptorProto_TYPE_UINT64, "")}},
			{Name: proto.String("LabelPairAdapter"), Field: []*descriptorpb.FieldDescriptorProto{
				field("name", 1, opt, str, ""), field("value", 2, opt, str, "")}},
			{Name: proto.String("EntryAdapter"), Field: []*descriptorpb.FieldDescriptorProto{
				field("timestamp", 1, opt, msg, ".google.protobuf.Timestamp"), field("line", 2, opt, str, ""),
				field("structuredMetadata", 3, rep, msg, ".logproto.LabelPairAdapter"),
				field("parsed", 4, rep, msg, ".logproto.LabelPairAdapter")}},
		},
	}
	f, err := protodesc.NewFile(fd, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return f.Messages().ByName("PushRequest")
}

// lokiBody encodes a PushRequest given in protobuf's JSON mapping, snappy
// compressed as Loki's clients send it.
func lokiBody(t *testing.T, md protoreflect.MessageDescriptor, js string) []byte {
	t.Helper()
	m := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal([]byte(js), m); err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return snappy.Encode(nil, b)
}

// Ensure that a Loki push in snappy protobuf, built from Loki's published
// definitions, stores every entry once, in order, in the run of its job
// label, with its time, the level of its level label or metadata, and its
// other labels and metadata as labels; that a stream without a job goes to
// run loki/0; and that a body that is not snappy protobuf is refused with
// 400, nothing of it stored.
func TestLoki_Protobuf(t *testing.T) {
	h := newHarness(t, nil, "")
	md := lokiPushRequest(t)
	var b strings.Builder
	base := time.Date(2026, 12, 8, 4, 0, 0, 0, time.UTC)
	b.WriteString(`{"streams":[{"labels":"{job=\"build\", level=\"info\", env=\"prod\"}","entries":[`)
	const n = 50
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"timestamp":"` + base.Add(time.Duration(i)*time.Microsecond).Format(time.RFC3339Nano) + `","line":"build line ` + itoa(i) + `"}`)
	}
	b.WriteString(`]},{"labels":"{app=\"web\", job=\"deploy\"}","entries":[{"timestamp":"2026-12-08T04:00:01Z","line":"deploying","structuredMetadata":[{"name":"detected_level","value":"warn"},{"name":"trace_id","value":"abc"}]}]},`)
	b.WriteString(`{"labels":"{host=\"h\"}","entries":[{"timestamp":"2026-12-08T04:00:02Z","line":"no job"}]}]}`)
	code, msg := h.post(t, "/loki/api/v1/push", "application/x-protobuf", lokiBody(t, md, b.String()))
	if code != 204 {
		t.Fatalf("%d %s", code, msg)
	}
	got := h.lines(t, "build", 0)
	if len(got) != n {
		t.Fatalf("build/0: %d lines; runs %s", len(got), h.runs(t))
	}
	for i, e := range got {
		checkEntry(t, e, "build line "+itoa(i), engine.Info, base.Add(time.Duration(i)*time.Microsecond), "env=prod")
	}
	checkEntry(t, h.lines(t, "deploy", 0)[0], "deploying", engine.Warn, base.Add(time.Second), "app=web trace_id=abc")
	checkEntry(t, h.lines(t, "loki", 0)[0], "no job", engine.NoLevel, base.Add(2*time.Second), "host=h")

	before := h.runs(t)
	for _, bad := range [][]byte{[]byte("not snappy"), snappy.Encode(nil, []byte("\x0a\x05{job"))} {
		if code, msg := h.post(t, "/loki/api/v1/push", "application/x-protobuf", bad); code != 400 || !strings.Contains(msg, "nothing of the request was stored") {
			t.Errorf("malformed: %d %q", code, msg)
		}
	}
	if after := h.runs(t); after != before {
		t.Errorf("runs changed by refused requests: %s -> %s", before, after)
	}
}

// Ensure that a Loki push in JSON (gzip'd, as Alloy may send it) is read,
// with structured metadata, and that a bad entry refuses the request with
// 400 naming it.
func TestLoki_JSON(t *testing.T) {
	h := newHarness(t, nil, "")
	body := `{"streams":[{"stream":{"job":"api","level":"error"},"values":[["1796702400000000000","one"],["1796702400000000001","two",{"user":"u"}]]}]}`
	if code, msg := h.post(t, "/insert/loki/api/v1/push", "application/json", gzipped(body), "Content-Encoding", "gzip"); code != 204 {
		t.Fatalf("%d %s", code, msg)
	}
	got := h.lines(t, "api", 0)
	if len(got) != 2 {
		t.Fatalf("api/0: %d lines", len(got))
	}
	checkEntry(t, got[0], "one", engine.Error, time.Unix(1796702400, 0), "")
	checkEntry(t, got[1], "two", engine.Error, time.Unix(1796702400, 1), "user=u")
	code, msg := h.post(t, "/loki/api/v1/push", "application/json", []byte(`{"streams":[{"stream":{"job":"api"},"values":[["1","lost"],["soon","bad"]]}]}`))
	if code != 400 || !strings.Contains(msg, "stream 1 value 2") {
		t.Errorf("bad entry: %d %q", code, msg)
	}
	if got := h.lines(t, "api", 0); len(got) != 2 {
		t.Errorf("api/0 has %d lines after a refused request", len(got))
	}
}

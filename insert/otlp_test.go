package insert_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/logdb/logdb/engine"
)

// Ensure that the OpenTelemetry Go SDK's OTLP/HTTP log exporter
// (protobuf, gzip) delivers every record once, in order, in the run of
// its service.name, with its time, its severity as the level, its
// resource and record attributes as labels, and its trace and span ids
// kept and searchable.
func TestOTLP_SDKExporter(t *testing.T) {
	h := newHarness(t, nil, "tok")
	ctx := context.Background()
	exp, err := otlploghttp.New(ctx,
		otlploghttp.WithEndpointURL(h.url+"/v1/logs"),
		otlploghttp.WithHeaders(map[string]string{"Authorization": "Bearer tok"}),
		otlploghttp.WithCompression(otlploghttp.GzipCompression))
	if err != nil {
		t.Fatal(err)
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("checkout"), semconv.HostName("h1"))
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(res),
		sdklog.WithProcessor(sdklog.NewBatchProcessor(exp, sdklog.WithExportMaxBatchSize(40))))
	lg := lp.Logger("shop/cart")
	traceID, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	spanID, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	sctx := trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{TraceID: traceID, SpanID: spanID, TraceFlags: trace.FlagsSampled}))
	base := time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC)
	sevs := []otellog.Severity{otellog.SeverityInfo, otellog.SeverityWarn, otellog.SeverityError2, otellog.SeverityDebug}
	levels := []engine.Level{engine.Info, engine.Warn, engine.Error, engine.Debug}
	const n = 100
	for i := 0; i < n; i++ {
		var r otellog.Record
		r.SetTimestamp(base.Add(time.Duration(i) * time.Millisecond))
		r.SetSeverity(sevs[i%4])
		r.SetBody(attribute.StringValue(fmt.Sprintf("record %d", i)))
		r.AddAttributes(attribute.Int("i", i), attribute.String("user", "u1"))
		lg.Emit(sctx, r)
	}
	if err := lp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got := h.lines(t, "checkout", 0)
	if len(got) != n {
		t.Fatalf("checkout/0 has %d lines, want %d; runs %s", len(got), n, h.runs(t))
	}
	for i, e := range got {
		labels := fmt.Sprintf("host.name=h1 i=%d otel.scope.name=shop/cart span_id=00f067aa0ba902b7 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 user=u1", i)
		checkEntry(t, e, fmt.Sprintf("record %d", i), levels[i%4], base.Add(time.Duration(i)*time.Millisecond), labels)
	}
	// Searchable: the engine's filters find a trace's lines by its id.
	it, err := h.db.Query(ctx, engine.LabelFilter{Name: "trace_id", Op: engine.Eq, Pattern: hex.EncodeToString(traceID[:])}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	found := 0
	for it.Next() {
		found++
	}
	if it.Err() != nil || found != n {
		t.Errorf("trace_id query found %d lines (%v), want %d", found, it.Err(), n)
	}
}

// Ensure that OTLP's JSON encoding (hex ids, numbers as strings) is read,
// answered in JSON, and that a malformed request gets a google.rpc.Status
// naming the problem while nothing of it is stored.
func TestOTLP_JSON(t *testing.T) {
	h := newHarness(t, nil, "")
	body := `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
"scopeLogs":[{"scope":{"name":"s"},"logRecords":[
{"timeUnixNano":"1796698800000000000","severityNumber":17,"severityText":"ERR","body":{"stringValue":"boom"},
 "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","attributes":[{"key":"n","value":{"intValue":"7"}}]},
{"observedTimeUnixNano":"1796698801000000000","body":{"kvlistValue":{"values":[{"key":"a","value":{"boolValue":true}}]}}}]}]}]}`
	code, msg := h.post(t, "/v1/logs", "application/json", []byte(body))
	if code != 200 || msg != "{}" {
		t.Fatalf("%d %s", code, msg)
	}
	got := h.lines(t, "api", 0)
	if len(got) != 2 {
		t.Fatalf("api/0: %d lines", len(got))
	}
	checkEntry(t, got[0], "boom", engine.Error, time.Unix(1796698800, 0), "level_text=ERR n=7 otel.scope.name=s span_id=eee19b7ec3c1b174 trace_id=5b8efff798038103d269b633813fc60c")
	checkEntry(t, got[1], `{"a":true}`, engine.NoLevel, time.Unix(1796698801, 0), "otel.scope.name=s")

	code, msg = h.post(t, "/v1/logs", "application/json", []byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"lost"}},{"timeUnixNano":"nope"}]}]}]}`))
	if code != 400 || !strings.Contains(msg, `"code":3`) || !strings.Contains(msg, "not an OTLP ExportLogsServiceRequest in JSON") {
		t.Errorf("malformed JSON: %d %s", code, msg)
	}
	code, msg = h.post(t, "/v1/logs", "application/x-protobuf", []byte("\x0a\xff\xff"))
	if code != 400 {
		t.Errorf("malformed protobuf: %d %q", code, msg)
	}
	if r := h.runs(t); r != "api/0:2" {
		t.Errorf("runs: %s", r)
	}
}

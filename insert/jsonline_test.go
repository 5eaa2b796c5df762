package insert_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/logdb/logdb/engine"
)

// Ensure that POST /insert/jsonline stores each line once, in order in
// its run, with the time, level and labels that logdb ingest --format
// json gives it, and that lines without a job land in run jsonline/0.
func TestJSONLine(t *testing.T) {
	h := newHarness(t, nil, "")
	body := `{"_time":"2026-12-08T01:00:00Z","level":"info","_msg":"one","job":"build","attempt":1,"host":"a"}
{"ts":1796691601.5,"severity":"WARNING","msg":"two","job":"build","attempt":1,"n":3}

{"time":"2026-12-08T01:00:02Z","message":"no job","nested":{"k":"v"}}
`
	if code, msg := h.post(t, "/insert/jsonline", "application/x-ndjson", []byte(body)); code != 200 {
		t.Fatalf("status %d: %s", code, msg)
	}
	got := h.lines(t, "build", 1)
	if len(got) != 2 {
		t.Fatalf("build/1 has %d lines, want 2", len(got))
	}
	checkEntry(t, got[0], "one", engine.Info, time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC), "host=a")
	checkEntry(t, got[1], "two", engine.Warn, time.Unix(1796691601, 5e8), "level_text=WARNING n=3")
	def := h.lines(t, "jsonline", 0)
	if len(def) != 1 {
		t.Fatalf("jsonline/0 has %d lines, want 1", len(def))
	}
	checkEntry(t, def[0], "no job", engine.NoLevel, time.Date(2026, 12, 8, 1, 0, 2, 0, time.UTC), "nested.k=v")
	if n := h.info()["insert_jsonline_lines"]; n != int64(3) {
		t.Errorf("insert_jsonline_lines = %v, want 3", n)
	}
}

// Ensure that the mapping's query parameters pick the job, attempt,
// message and time fields and the labels.
func TestJSONLine_Mapping(t *testing.T) {
	h := newHarness(t, nil, "")
	body := `{"svc":"api","try":"2","text":"hello","at":"08/12/2026 01:02:03","keep":"x","drop":"y"}
{"text":"no svc","at":"08/12/2026 01:02:04","keep":"z"}
`
	path := "/insert/jsonline?job_field=svc&attempt_field=try&_msg_field=text&_time_field=at&time_format=02/01/2006+15:04:05&ignore_fields=drop&default_job=misc"
	if code, msg := h.post(t, path, "application/json", []byte(body)); code != 200 {
		t.Fatalf("status %d: %s", code, msg)
	}
	got := h.lines(t, "api", 2)
	if len(got) != 1 {
		t.Fatalf("api/2 has %d lines; runs: %s", len(got), h.runs(t))
	}
	checkEntry(t, got[0], "hello", engine.NoLevel, time.Date(2026, 12, 8, 1, 2, 3, 0, time.UTC), "keep=x")
	misc := h.lines(t, "misc", 0)
	if len(misc) != 1 {
		t.Fatalf("misc/0 has %d lines; runs: %s", len(misc), h.runs(t))
	}
	checkEntry(t, misc[0], "no svc", engine.NoLevel, time.Date(2026, 12, 8, 1, 2, 4, 0, time.UTC), "keep=z")

	code, msg := h.post(t, "/insert/jsonline?time_format=nonsense", "application/json", []byte(body))
	if code != 400 || !strings.Contains(msg, "unknown time format") {
		t.Errorf("bad time format: %d %q", code, msg)
	}
}

// Ensure that a malformed request is refused whole with 400 naming the
// line, a body over the limit with 413, and that neither loses a line of
// another request; that gzip and zstd bodies are read; and that the token
// is required when set.
func TestJSONLine_Errors(t *testing.T) {
	h := newHarness(t, nil, "s3cret")
	auth := []string{"Authorization", "Bearer s3cret"}
	ok := []byte(`{"msg":"kept","job":"j"}` + "\n")
	if code, msg := h.post(t, "/insert/jsonline", "application/json", ok, auth...); code != 200 {
		t.Fatalf("status %d: %s", code, msg)
	}
	if code, _ := h.post(t, "/insert/jsonline", "application/json", ok); code != http.StatusUnauthorized {
		t.Errorf("without the token: status %d, want 401", code)
	}
	if code, _ := h.post(t, "/insert/jsonline", "application/json", ok, "Authorization", "Basic "+basic("u", "s3cret")); code != 200 {
		t.Errorf("basic auth: status %d, want 200", code)
	}
	bad := []byte(`{"msg":"lost","job":"j"}` + "\n" + `{"msg": nope}` + "\n")
	code, msg := h.post(t, "/insert/jsonline", "application/json", bad, auth...)
	if code != 400 || !strings.Contains(msg, "line 2: malformed: invalid JSON") || !strings.Contains(msg, "nothing of the request was stored") {
		t.Errorf("bad line: %d %q", code, msg)
	}
	big := bytes.Repeat([]byte(`{"msg":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","job":"j"}`+"\n"), 30000)
	if code, msg := h.post(t, "/insert/jsonline", "application/json", big, auth...); code != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d %q", code, msg)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"msg":"gzip","job":"j"}` + "\n"))
	zw.Close()
	if code, msg := h.post(t, "/insert/jsonline", "application/json", gz.Bytes(), append(auth, "Content-Encoding", "gzip")...); code != 200 {
		t.Errorf("gzip: %d %q", code, msg)
	}
	// A gzip bomb: small compressed, over the limit inflated.
	gz.Reset()
	zw = gzip.NewWriter(&gz)
	zw.Write(big)
	zw.Close()
	if code, msg := h.post(t, "/insert/jsonline", "application/json", gz.Bytes(), append(auth, "Content-Encoding", "gzip")...); code != http.StatusRequestEntityTooLarge {
		t.Errorf("gzip over the limit: %d %q", code, msg)
	}
	enc, _ := zstd.NewWriter(nil)
	zs := enc.EncodeAll([]byte(`{"msg":"zstd","job":"j"}`+"\n"), nil)
	if code, msg := h.post(t, "/insert/jsonline", "application/json", zs, append(auth, "Content-Encoding", "zstd")...); code != 200 {
		t.Errorf("zstd: %d %q", code, msg)
	}
	if code, msg := h.post(t, "/insert/jsonline", "application/json", ok, append(auth, "Content-Encoding", "br")...); code != http.StatusUnsupportedMediaType {
		t.Errorf("br: %d %q", code, msg)
	}
	var msgs []string
	for _, e := range h.lines(t, "j", 0) {
		msgs = append(msgs, e.Message)
	}
	if got := strings.Join(msgs, ","); got != "kept,kept,gzip,zstd" {
		t.Errorf("run j/0 holds %s, want kept,kept,gzip,zstd", got)
	}
}

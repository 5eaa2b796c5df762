package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// jsonCorpus returns n JSON lines of about 250 bytes, the ingest target's
// line.
func jsonCorpus(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"time":"2024-01-02T03:04:%02d.%06dZ","level":"info","msg":"request handled for user %d in the usual time","job":"build","attempt":1,"user":"bob","dur_ms":12.5,"req":{"id":"req-%08d","path":"/api/v1/items"},"tags":["a","b"],"ok":true}`+"\n",
			i%60, i%1000000, i, i)
	}
	return b.Bytes()
}

// textCorpus returns n lines in the mix of a CI log: timestamped GitHub
// lines, Maven lines, klog lines and plain output.
func textCorpus(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "2022-04-27T19:35:18.%07dZ Downloading https://repo.maven.apache.org/maven2/org/x/%d.pom\r\n", i%10000000, i)
		case 1:
			fmt.Fprintf(&b, "[INFO] Compiling %d source files to /home/runner/work/auto/auto/value/target/classes\n", i)
		case 2:
			fmt.Fprintf(&b, "I0915 20:01:48.%06d       1 round_trippers.go:466] curl -v -XGET https://172.18.0.5:6443/x/%d\n", i%1000000, i)
		default:
			fmt.Fprintf(&b, "\tat org.apache.maven.surefire.booter.ForkedBooter.main(ForkedBooter.java:%d)\n", i)
		}
	}
	return b.Bytes()
}

func benchRead(b *testing.B, data []byte, f Format) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	opts := Options{Format: f, Job: "bench", Location: time.UTC, Now: func() time.Time { return testNow }}
	lines := 0
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), "bench", opts)
		lines = 0
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			lines++
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkReadText measures the text path on a synthetic CI log, on the
// shared benchmark workload's text file named by $LOGDB_BENCH_TEXT and, when
// the test data is there, on real logs.
func BenchmarkReadText(b *testing.B) {
	b.Run("synthetic", func(b *testing.B) { benchRead(b, textCorpus(20000), FormatText) })
	b.Run("workload", func(b *testing.B) {
		path := os.Getenv("LOGDB_BENCH_TEXT")
		if path == "" {
			b.Skip("set LOGDB_BENCH_TEXT to a text log (the workload generator's -text file) to measure it")
		}
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		benchRead(b, data, FormatText)
	})
	dir := os.Getenv("LOGDB_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	for _, f := range []struct{ name, path string }{
		{"kubelet", "k8s-failure-reproduction/C1_kubelet-kind-worker.log"},
		{"scheduler", "k8s-failure-reproduction/C1_kube-scheduler.log"},
		{"jenkins", "cidiff/breakages/assertj_1944/pass.log"},
		{"github", "cidiff/gha_terraform_build/run312/fail.log"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, f.path))
		if err != nil {
			continue
		}
		b.Run(f.name, func(b *testing.B) { benchRead(b, data, FormatText) })
	}
}

// BenchmarkReadJSON measures the json path on 250-byte lines with ten keys,
// a nested object and an array.
func BenchmarkReadJSON(b *testing.B) {
	benchRead(b, jsonCorpus(20000), FormatJSON)
}

// BenchmarkReadJSONTokens maps the same lines as BenchmarkReadJSON, but
// reads them token by token through jsontext.Decoder (refJSON) instead of
// validating them whole and walking them with jsonWalker.
func BenchmarkReadJSONTokens(b *testing.B) {
	data := jsonCorpus(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	ref := newRefJSON(Options{Format: FormatJSON, Location: time.UTC, Now: func() time.Time { return testNow }})
	for b.Loop() {
		for line := range bytes.Lines(data) {
			if _, ok := ref.read(bytes.TrimSuffix(line, []byte("\n")), 1); !ok {
				b.Fatal("bad line")
			}
		}
	}
}

// BenchmarkReadLogfmt measures the logfmt path.
func BenchmarkReadLogfmt(b *testing.B) {
	var buf bytes.Buffer
	for i := range 20000 {
		fmt.Fprintf(&buf, `time="2024-01-02T03:04:%02dZ" level=info msg="request handled for user %d" job=build user=bob dur_ms=12.5 path=/api/v1/items ok=true`+"\n", i%60, i)
	}
	benchRead(b, buf.Bytes(), FormatLogfmt)
}

// BenchmarkJSONStdlib is the baseline the JSON parser was chosen against:
// encoding/json decoding the same lines into a map, without any mapping.
func BenchmarkJSONStdlib(b *testing.B) {
	data := jsonCorpus(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for line := range bytes.Lines(data) {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				b.Fatal(err)
			}
		}
	}
}

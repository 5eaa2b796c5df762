package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-logfmt/logfmt"
	"github.com/logdb/logdb/engine"
)

// fuzzMax is the line limit of the fuzz targets, small so that the
// too-long path is exercised.
const fuzzMax = 200

func fuzzOptions(f Format) Options {
	o := testOptions(f)
	o.MaxLineBytes = fuzzMax
	return o
}

// fuzzSeeds are inputs every fuzz target starts from, besides its corpus
// in testdata/fuzz.
var fuzzSeeds = []string{
	"",
	"\n",
	"a\r\nb\rc\n\r",
	"{\"msg\":\"x\"}\n",
	"[2016-12-19 16:31:46,143] INFO x\n\tat y\n",
	"Sep 15 19:50:17 kind-worker kubelet[704773]: E0915 19:50:17.864353  704773 kubelet.go:2160] \"x\"",
	"level=info msg=\"a b\" k=v\n",
}

// checkEntry checks what every entry must satisfy.
func checkEntry(t *testing.T, e engine.Entry) {
	t.Helper()
	if e.Level >= engine.Level(engine.NumLevels) {
		t.Fatalf("line %d: level %d", e.Line, e.Level)
	}
	if e.Attempt < 0 || strings.IndexByte(e.Job, 0) >= 0 {
		t.Fatalf("line %d: bad run %q/%d", e.Line, e.Job, e.Attempt)
	}
	if len(e.Message) > fuzzMax {
		t.Fatalf("line %d: message of %d bytes over the limit", e.Line, len(e.Message))
	}
	for i := 1; i < len(e.Labels); i++ {
		if e.Labels[i-1].Name >= e.Labels[i].Name {
			t.Fatalf("line %d: labels not sorted and unique: %q", e.Line, e.Labels)
		}
	}
	if cap(e.Labels) != len(e.Labels) {
		t.Fatalf("line %d: labels have spare capacity", e.Line)
	}
}

// results reads everything of data.
func fuzzRead(t *testing.T, data []byte, f Format) []result {
	t.Helper()
	r := NewReader(bytes.NewReader(data), "f", fuzzOptions(f))
	var out []result
	for {
		e, err := r.Read()
		if err == io.EOF {
			return out
		}
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("fatal error %v", err)
		}
		if err == nil {
			checkEntry(t, e)
		}
		out = append(out, result{e, err})
	}
}

// FuzzText checks that text mode gives exactly one result per sed line:
// an entry whose message is the line minus a trailing "\r", or a
// too-long error.
func FuzzText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs := fuzzRead(t, data, FormatText)
		lines := sedLines(data)
		if len(rs) != len(lines) {
			t.Fatalf("%d results for %d lines", len(rs), len(lines))
		}
		for i, r := range rs {
			line := bytes.TrimSuffix(lines[i], []byte("\r"))
			if len(line) > fuzzMax {
				var le *LineError
				if !errors.As(r.err, &le) || !errors.Is(r.err, ErrLineTooLong) || le.Line != int64(i+1) {
					t.Fatalf("line %d of %d bytes: got %v", i+1, len(line), r.err)
				}
				continue
			}
			if r.err != nil || r.e.Message != string(line) || r.e.Line != int64(i+1) ||
				len(r.e.Labels) > 1 || len(r.e.Labels) == 1 && r.e.Labels[0].Name != LevelTextLabel {
				t.Fatalf("line %d: got %+v, %v; want message %q", i+1, r.e, r.err, line)
			}
		}
	})
}

// FuzzJSON checks that json mode accepts exactly the lines encoding/json
// takes for an object, and maps them as the token-by-token reference walk
// does.
func FuzzJSON(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs := fuzzRead(t, data, FormatJSON)
		ref := newRefJSON(fuzzOptions(FormatJSON))
		lines := sedLines(data)
		k := 0
		for i, raw := range lines {
			line := bytes.TrimSuffix(raw, []byte("\r"))
			body := trimBOM(line)
			if isBlank(body) && len(line) <= fuzzMax {
				continue
			}
			if k >= len(rs) {
				t.Fatalf("no result for line %d %q", i+1, line)
			}
			r := rs[k]
			k++
			var le *LineError
			switch {
			case len(line) > fuzzMax:
				if !errors.Is(r.err, ErrLineTooLong) {
					t.Fatalf("line %d of %d bytes: got %v", i+1, len(line), r.err)
				}
				continue
			case r.err != nil && (!errors.As(r.err, &le) || le.Line != int64(i+1)):
				t.Fatalf("line %d: error %v", i+1, r.err)
			case errors.Is(r.err, ErrLineTooLong):
				if utf8.Valid(line) {
					t.Fatalf("line %d of %d bytes: got %v", i+1, len(line), r.err)
				}
				continue // invalid UTF-8 grew into U+FFFD past the limit
			}
			trimmed := bytes.TrimLeft(body, " \t\r\n")
			isObject := json.Valid(body) && len(trimmed) > 0 && trimmed[0] == '{'
			if isObject != (r.err == nil) && !errors.Is(r.err, ErrLineTooLong) {
				t.Fatalf("line %d %q: encoding/json says object %v, got %v", i+1, line, isObject, r.err)
			}
			if r.err != nil {
				if !errors.Is(r.err, ErrInvalidJSON) && !errors.Is(r.err, ErrNotObject) {
					t.Fatalf("line %d: error %v", i+1, r.err)
				}
				continue
			}
			// Times depend on the previous line; compare the rest.
			want, ok := ref.read(line, int64(i+1))
			want.Time, r.e.Time = 0, 0
			if !ok || !reflect.DeepEqual(r.e, want) {
				t.Fatalf("line %d %q:\n got %+v\nwant %+v", i+1, line, r.e, want)
			}
		}
		if k != len(rs) {
			t.Fatalf("%d results for %d non-blank lines", len(rs), k)
		}
	})
}

// FuzzLogfmt checks that logfmt mode rejects exactly the lines go-logfmt
// rejects and keeps every key.
func FuzzLogfmt(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs := fuzzRead(t, data, FormatLogfmt)
		lines := sedLines(data)
		k := 0
		for i, raw := range lines {
			line := bytes.TrimSuffix(raw, []byte("\r"))
			body := trimBOM(line)
			if isBlank(body) && len(line) <= fuzzMax {
				continue
			}
			if k >= len(rs) {
				t.Fatalf("no result for line %d %q", i+1, line)
			}
			r := rs[k]
			k++
			if len(line) > fuzzMax {
				if !errors.Is(r.err, ErrLineTooLong) {
					t.Fatalf("line %d of %d bytes: got %v", i+1, len(line), r.err)
				}
				continue
			}
			if r.err == nil && r.e.Line != int64(i+1) {
				t.Fatalf("line %d: entry says line %d", i+1, r.e.Line)
			}
			// What go-logfmt makes of the line on its own.
			dec := logfmt.NewDecoderSize(bytes.NewReader(body), len(body)+1)
			dec.ScanRecord()
			keys := map[string]bool{}
			for dec.ScanKeyval() {
				keys[string(dec.Key())] = true
			}
			if bytes.IndexByte(body, '=') < 0 {
				if r.err != nil || r.e.Message != string(line) || r.e.Labels != nil {
					t.Fatalf("line %d %q without '=': got %+v, %v", i+1, line, r.e, r.err)
				}
				continue
			}
			if (dec.Err() != nil) != (r.err != nil) {
				t.Fatalf("line %d %q: go-logfmt says %v, got %v", i+1, line, dec.Err(), r.err)
			}
			if r.err != nil {
				if !errors.Is(r.err, ErrInvalidLogfmt) {
					t.Fatalf("line %d: error %v", i+1, r.err)
				}
				continue
			}
			for _, l := range r.e.Labels {
				if !keys[l.Name] && !(l.Name == LevelTextLabel && r.e.Level != engine.NoLevel) {
					t.Fatalf("line %d %q: label %q is no key", i+1, line, l.Name)
				}
			}
		}
		if k != len(rs) {
			t.Fatalf("%d results for %d non-blank lines", len(rs), k)
		}
	})
}

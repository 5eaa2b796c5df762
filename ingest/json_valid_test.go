package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// validSeeds are lines on both sides of the grammar's edges.
var validSeeds = []string{
	`{}`, `[]`, `{"a":1}`, ` {"a" : [1, -2.5e+3, "x", true, false, null, {}] } `,
	`{"a":"\u00e9\n\"\\\/"}`, `{"a":"\ud800"}`, `{"a":"\x"}`, `{"a":01}`, `{"a":1.}`,
	`{"a":.5}`, `{"a":1e}`, `{"a":-}`, `{"a":1,}`, `[1,]`, `{"a" 1}`, `{,"a":1}`,
	`{"a":1}x`, `{"a":1} {"b":2}`, `"x"`, `1`, `nul`, `{"a":tru}`, "{\"a\":\"\x01\"}",
	"{\"a\":\"\xff\xfe\"}", `{"a":[}`, `{"a":{]}`, `[[[]]]`, `{"a":"\u12"}`, ``, ` `,
	`{"a":1`, `{"a":`, `{"a"`, `{"`, `-0`, `-01`, `0.0e-0`, `1E5`, "{\"a\":1}\n",
}

// Ensure that validJSON accepts exactly what jsontext does with the
// reader's options.
func FuzzValidJSON(f *testing.F) {
	for _, s := range validSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), jsontext.Value(b).IsValid(jsonOptions...); got != want {
			t.Fatalf("validJSON(%q) = %v, jsontext says %v", b, got, want)
		}
	})
}

// Ensure that validJSON and jsontext agree on the seeds and on the nesting
// limit, which fuzzing does not reach.
func TestValidJSON(t *testing.T) {
	cases := append([]string(nil), validSeeds...)
	for _, depth := range []int{maxJSONDepth - 1, maxJSONDepth, maxJSONDepth + 1} {
		cases = append(cases, strings.Repeat("[", depth)+strings.Repeat("]", depth))
		cases = append(cases, strings.Repeat(`{"a":`, depth)+"1"+strings.Repeat("}", depth))
	}
	for _, s := range cases {
		if got, want := validJSON([]byte(s)), jsontext.Value(s).IsValid(jsonOptions...); got != want {
			t.Errorf("validJSON(%.40q, %d bytes) = %v, jsontext says %v", s, len(s), got, want)
		}
	}
}

// BenchmarkValidJSON compares validJSON with jsontext on the lines of
// BenchmarkReadJSON.
func BenchmarkValidJSON(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(jsonCorpus(2000)), []byte("\n"))
	b.Run("ours", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if !validJSON(lines[i%len(lines)]) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("jsontext", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if !jsontext.Value(lines[i%len(lines)]).IsValid(jsonOptions...) {
				b.Fatal("invalid")
			}
		}
	})
}

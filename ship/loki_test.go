package ship

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that the PushRequest of the fuzz corpus, written field by field
// with protowire, decodes into its stream's labels (quotes unescaped),
// time, line and metadata, with the level taken from detected_level.
func TestDecodeLokiProtobuf(t *testing.T) {
	b, err := os.ReadFile("testdata/fuzz/FuzzDecodeLokiProtobuf/stream")
	if err != nil {
		t.Fatal(err)
	}
	_, lit, _ := strings.Cut(strings.TrimSpace(string(b)), "[]byte(")
	body, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := DecodeLokiProtobuf([]byte(body), Options{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("%v %v", recs, err)
	}
	r := recs[0]
	if r.Message != "a line" || r.Time != time.Unix(1796700000, 5).UnixNano() || r.Level != engine.Warn || r.Where != "stream 1 entry 1" {
		t.Errorf("record %+v", r)
	}
	mp, _ := Mapping{}.Compile(Loki)
	e, err := mp.Entry(&r)
	if err != nil || e.Job != "build" || len(e.Labels) != 1 || e.Labels[0] != (engine.Label{Name: "env", Value: `p"rod`}) {
		t.Errorf("entry %+v %v", e, err)
	}
}

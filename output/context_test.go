package output

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Ensure that the rows of "| context N" show as grep -C shows them: hits
// marked ':' and lines of context '-' after the line number, and "--"
// between groups, in raw, short and table (testdata/context.golden; run
// with -update to rewrite it, then review the diff).
func TestWriter_Context(t *testing.T) {
	t0 := time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC).UnixNano()
	entry := func(job string, line int64, lvl engine.Level, msg string, context bool) query.Row {
		return query.Row{Kind: query.EntryRow, Context: context,
			Entry: &engine.Entry{Job: job, Time: t0 + line*int64(time.Second), Line: line, Level: lvl, Message: msg}}
	}
	rows := []query.Row{
		entry("build", 4, engine.Info, "connect db", true),
		entry("build", 5, engine.Error, "db timeout", false),
		entry("build", 6, engine.Info, "retry", true),
		entry("build", 7, engine.Error, "db timeout", false),
		entry("build", 8, engine.Info, "connected", true),
		{Kind: query.SeparatorRow},
		entry("build", 12, engine.Error, "shutdown: timeout", false),
		{Kind: query.SeparatorRow},
		entry("deploy", 1, engine.Info, "other start", true),
		entry("deploy", 2, engine.Error, "other timeout", false),
	}
	var got bytes.Buffer
	for _, f := range []string{"raw", "short", "table"} {
		fmt.Fprintf(&got, "# %s\n", f)
		w, err := New(&got, Options{Format: f, Context: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			if err := w.Write(&rows[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	golden := filepath.Join("testdata", "context.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("context output differs from %s; run go test -update and review the diff.\ngot:\n%s", golden, got.String())
	}
}

package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// Ensure that the server benchmark runs every phase on an in-process
// server, verifies the store and writes its three report formats.
func TestRunServer(t *testing.T) {
	rep, err := RunServer(context.Background(), ServerOptions{Clients: 3, Batch: 20, Lines: 600, Readers: 2, ReadCount: 5, Followers: 2, Time: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ph := range rep.Phases {
		for _, op := range ph.Ops {
			names = append(names, ph.Name+"/"+op.Op)
			if op.Requests == 0 || op.PerSec <= 0 || op.Timing.P99Ms <= 0 {
				t.Errorf("%s/%s: %+v", ph.Name, op.Op, op)
			}
		}
	}
	if got := strings.Join(names, " "); got != "append_batched/append append_batched/follow append_single/append read/read query/query mixed/append mixed/read mixed/query" {
		t.Fatalf("phases %s", got)
	}
	if rep.Stored < 600 || !strings.Contains(rep.Verify, "exactly") {
		t.Fatalf("stored %d: %s", rep.Stored, rep.Verify)
	}
	for _, write := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return rep.WriteTable(b) },
		func(b *bytes.Buffer) error { return rep.WriteJSON(b) },
		func(b *bytes.Buffer) error { return rep.WriteGobench(b) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil || !strings.Contains(b.String(), "append_batched") {
			t.Fatalf("report: %v %s", err, b.String())
		}
	}
}

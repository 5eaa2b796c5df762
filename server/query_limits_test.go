package server_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/server"
)

// Ensure that a QUERY whose pipes need more than QueryMemory is answered
// OOM with a message naming the pipe, the limit and the flag to raise, that
// smaller queries still run, and that INFO shows the limits and that the
// queries' shared memory is all given back.
func TestServer_QueryMemory(t *testing.T) {
	db := testutil.MustOpenDB(t, &engine.Options{NoSync: true, NoIndexer: true})
	batch := make([]engine.Entry, 20000)
	for i := range batch {
		batch[i] = engine.Entry{Job: fmt.Sprintf("job-%d", i%4), Message: fmt.Sprintf("request %d took %d ms on a host", i, i%977)}
	}
	if _, err := db.Append(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	ts := serveDB(t, db, &server.Options{Rate: -1, QueryMemory: 1 << 20, QueryMemoryTotal: 4 << 20})
	c := ts.dial(t, nil)

	_, err := c.Do(ctx, "QUERY", "| count by msg")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Code != "OOM" {
		t.Fatalf("count by msg over 20000 messages with 1 MiB: %v, want OOM", err)
	}
	if want := `query needs more than 1MiB for "count by msg" (`; !strings.HasPrefix(ce.Msg, want) || !strings.HasSuffix(ce.Msg, "raise --query-memory") {
		t.Errorf("OOM message %q, want %q… raise --query-memory", ce.Msg, want)
	}
	if _, err := c.Do(ctx, "QUERY", "| count by job"); err != nil {
		t.Fatalf("count by job: %v", err)
	}
	info, err := c.Do(ctx, "INFO", "everything")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"query_memory:1048576\r\n", "query_memory_total:4194304\r\n", "query_memory_in_use:0\r\n"} {
		if s, _ := info.(string); !strings.Contains(s, want) {
			t.Errorf("INFO lacks %q:\n%s", want, s)
		}
	}
}

// Ensure that a QUERY over the query timeout is answered TIMEOUT with a
// message that says after how long. The deadline is a nanosecond, so it has
// passed before the query reads its first block on any machine.
func TestServer_QueryTimeoutMessage(t *testing.T) {
	db := testutil.MustOpenDB(t, &engine.Options{NoSync: true, NoIndexer: true})
	batch := make([]engine.Entry, 20000)
	for i := range batch {
		batch[i] = engine.Entry{Job: "a", Message: fmt.Sprintf("line %d", i)}
	}
	if _, err := db.Append(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	ts := serveDB(t, db, &server.Options{Rate: -1, QueryTimeout: time.Nanosecond})
	_, err := ts.dial(t, nil).Do(ctx, "QUERY", "/zz[0-9]+qq/ | count by msg")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Code != "TIMEOUT" || !strings.HasPrefix(ce.Msg, "query timed out after 1ns;") {
		t.Fatalf("query over a 1 ns timeout: %v, want TIMEOUT query timed out after 1ns", err)
	}
}

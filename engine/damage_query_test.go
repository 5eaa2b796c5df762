package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// Ensure that a query's count over a damaged store agrees with a read of
// the same lines: it counts the intact lines, prints them, and then names
// the damage, whether the engine counts (count, count by level) or the
// count stage does (count by msg, sort). A count from summaries knows of
// damage once a read has met it (or verify has), so a read comes first.
func TestQuery_CountDamaged(t *testing.T) {
	ctx := context.Background()
	db, err := engine.Open(t.TempDir(), &engine.Options{BlockLines: 100, DiskReserve: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var es []engine.Entry
	for i := 1; i <= 500; i++ {
		es = append(es, engine.Entry{Job: "j", Time: int64(i), Level: engine.Info, Message: fmt.Sprintf("line %d", i%2)})
	}
	if _, err := db.Append(ctx, es...); err != nil {
		t.Fatal(err)
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	engine.DamageBlock(t, db, 201)
	if _, err := db.ReadLines(ctx, engine.ReadRequest{Job: "j"}); !errors.Is(err, engine.ErrDamaged) {
		t.Fatalf("read: %v, want the damage", err)
	}

	for _, tc := range []struct {
		src  string
		want int64
	}{
		{"* | count", 400},
		{"* | count by level", 400},
		{`"line" | count`, 400},
		{"* | count by msg", 400},
		{"* | count by msg | sort by count", 400},
	} {
		q, err := query.Parse(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := query.Run(ctx, db, q, query.Options{Now: time.Unix(1000, 0), Location: time.UTC})
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		var total int64
		for rows.Next() {
			r := rows.Row()
			n, ok := r.Values[len(r.Values)-1].(int64)
			if !ok {
				t.Fatalf("%s: row %v has no count", tc.src, r.Values)
			}
			total += n
		}
		err = rows.Close()
		var d *engine.DamageError
		if !errors.As(err, &d) || len(d.Ranges) != 1 || d.Ranges[0].First != 201 || d.Ranges[0].Last != 300 {
			t.Errorf("%s: err = %v, want the damage of lines 201-300", tc.src, err)
		}
		if total != tc.want {
			t.Errorf("%s: counted %d, want %d (the lines a read returns)", tc.src, total, tc.want)
		}
	}
}

package engine_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/logdb/logdb/engine"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "logdb-example")
	defer os.RemoveAll(dir)

	db, err := engine.Open(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ctx := context.Background()
	lines, _ := db.Append(ctx,
		engine.Entry{Job: "nightly-etl", Level: engine.Info, Message: "extract started"},
		engine.Entry{Job: "nightly-etl", Level: engine.Error, Message: "load failed: timeout after 30s"},
	)
	page, _ := db.ReadLines(ctx, engine.ReadRequest{Job: "nightly-etl", Attempt: engine.Latest})
	fmt.Println(lines, page.LineCount, page.Entries[1].Message)
	// Output: [1 2] 2 load failed: timeout after 30s
}

func ExampleDB_Query() {
	dir, _ := os.MkdirTemp("", "logdb-example")
	defer os.RemoveAll(dir)
	db, _ := engine.Open(dir, nil)
	defer db.Close()

	ctx := context.Background()
	db.Append(ctx,
		engine.Entry{Job: "build", Time: 1, Level: engine.Info, Message: "connecting to 10.0.0.1"},
		engine.Entry{Job: "build", Time: 2, Level: engine.Warn, Message: "retrying after Timeout"},
		engine.Entry{Job: "deploy", Time: 3, Level: engine.Error, Message: "gave up: timeout"},
	)

	// level>=Warn "timeout", newest first: the query package parses this
	// from text; here the filter is built directly.
	f := engine.And(engine.LevelAtLeast(engine.Warn), engine.Word("timeout"))
	it, err := db.Query(ctx, f, &engine.QueryOptions{Desc: true})
	if err != nil {
		log.Fatal(err)
	}
	defer it.Close()
	for it.Next() {
		e := it.Entry()
		fmt.Printf("%s/%d:%d %s %s\n", e.Job, e.Attempt, e.Line, e.Level, e.Message)
	}
	// Output:
	// deploy/0:1 Error gave up: timeout
	// build/0:2 Warn retrying after Timeout
}

package client_test

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/server"
)

func ExampleClient() {
	// A server on a fresh store, as logdb serve runs one.
	dir, _ := os.MkdirTemp("", "logdb-example")
	defer os.RemoveAll(dir)
	db, _ := engine.Open(dir, nil)
	defer db.Close()
	srv, _ := server.New(db, nil)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Shutdown(context.Background())

	ctx := context.Background()
	c, err := client.Dial(ctx, l.Addr().String(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	lines, _ := c.AppendText(ctx, "build", 0,
		"2025-03-20T10:00:00Z INFO starting build",
		"2025-03-20T10:00:05Z ERROR compile failed: timeout")
	fmt.Println("appended lines", lines)

	page, _ := c.Read(ctx, engine.ReadRequest{Job: "build", Attempt: engine.Latest, Filter: engine.LevelAtLeast(engine.Warn)})
	for _, e := range page.Entries {
		fmt.Println(e.Line, e.Level, e.Message)
	}
	fmt.Println("is end:", page.IsEnd, "state:", page.Status)

	rows, _ := c.Query(ctx, "timeout | count", client.QueryOptions{})
	for rows.Next() {
		fmt.Println(rows.Columns(), rows.Row().Values)
	}
	// Output:
	// appended lines [1 2]
	// 2 Error 2025-03-20T10:00:05Z ERROR compile failed: timeout
	// is end: true state: running
	// [count] [1]
}

// Package client talks to a logdb server (package server, logdb serve)
// over TCP, with optional TLS and token. It is what logdb --server uses.
//
//	c, err := client.Dial(ctx, "127.0.0.1:7379", &client.Options{Token: token})
//	if err != nil { … }
//	defer c.Close()
//	lines, err := c.AppendText(ctx, "build", 0, "2025-03-20T10:00:00Z INFO starting")
//	page, err := c.Read(ctx, engine.ReadRequest{Job: "build", Attempt: engine.Latest, Count: 100})
//	rows, err := c.Query(ctx, `level>=Warn timeout`, client.QueryOptions{})
//	for rows.Next() { fmt.Println(rows.Row().Entry.Message) }
//
// # Basics
//
// Methods return the engine's and the query package's types, so code
// written against an engine.DB moves to a server with few changes: Append
// takes engine.Entry values and sends them exactly, Read returns an
// engine.Page (its cursor continues on the server), Run and Runs
// engine.RunInfo values, Stats an engine.Stats, and Query yields query.Row
// values, a page at a time, that package output writes (with
// QueryOptions.Runs, over the runs' records). Follow and FollowQuery stream a run's
// lines (history, live, then the final state in FollowEnd) or a query's
// new lines. Ingest sends a file's raw bytes for the server to parse as
// `logdb ingest` would, pipelining the chunks, and returns its report.
// StartRun, Retry, FinishRun, Pin, DeleteRun, Run, Expired
// and GC have the names and signatures of engine.DB's methods, so that one
// interface covers a DB and a Client. Do sends any command and returns its
// raw reply.
//
// Error replies are *Error values. errors.Is matches them to
// engine.ErrRunNotFound, engine.ErrBadCursor, engine.ErrRunFinished and
// engine.ErrLineTooLong, and to ErrRateLimited, ErrAuth and ErrShutdown.
// A request refused by the server's rate limit was not run; the client
// waits the time the server names and sends it again
// (Options.RateLimitRetries).
//
// # Caveats
//
// A Client is safe for concurrent use, but requests take turns on its one
// connection; use several Clients for parallel requests. After a network
// error or a cancelled context the connection is dropped and the next
// request dials again; a request whose connection broke may or may not
// have run (an append is never half-stored). Follow opens a connection of
// its own per Follower. Follow payloads travel as JSON, so invalid UTF-8
// in a followed message arrives as U+FFFD; Read and Query are exact.
package client

package server_test

import (
	"bufio"
	"bytes"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/server"
)

// benchEntries returns n entries of a run, with labels, as the benchmark
// workload writes them.
func benchEntries(job string, n int) []engine.Entry {
	es := make([]engine.Entry, n)
	for i := range es {
		es[i] = engine.Entry{Job: job, Level: engine.Info,
			Message: fmt.Sprintf("processed batch %d of orders from s3://bucket/key-%d in 41ms (1200 rows)", i, i*7),
			Labels:  engine.Labels{{Name: "app", Value: "billing"}, {Name: "env", Value: "prod"}}}
	}
	return es
}

// BenchmarkServer_AppendBatch measures APPENDENTRIES of 100 lines through
// the client and the server, on a store without fsync so that the server's
// own cost shows.
func BenchmarkServer_AppendBatch(b *testing.B) {
	db := testutil.MustOpenDB(b, &engine.Options{NoSync: true})
	ts := serveDB(b, db, nil)
	c := ts.dial(b, nil)
	es := benchEntries("bench", 100)
	var size int64
	for _, e := range es {
		size += int64(len(e.Message))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Append(ctx, es...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(es))/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkServer_AppendIdleFollowers measures single-line appends by 4
// clients to their own runs while 0 or 200 clients follow other runs that
// get no lines, as a server with many open \follow or tail sessions would:
// the followers should cost nothing while their runs are quiet. The store
// runs without fsync so that the CPU the followers take shows.
func BenchmarkServer_AppendIdleFollowers(b *testing.B) {
	for _, followers := range []int{0, 200} {
		b.Run(fmt.Sprintf("followers=%d", followers), func(b *testing.B) {
			benchAppendIdleFollowers(b, followers, 4)
		})
	}
}

func benchAppendIdleFollowers(b *testing.B, followers, appenders int) {
	db := testutil.MustOpenDB(b, &engine.Options{NoSync: true})
	for i := 0; i < followers; i++ {
		if _, err := db.Append(ctx, engine.Entry{Job: fmt.Sprintf("idle-%d", i), Message: "waiting"}); err != nil {
			b.Fatal(err)
		}
	}
	ts := serveDB(b, db, nil)
	c := ts.dial(b, nil)
	for i := 0; i < followers; i++ {
		f, err := c.Follow(ctx, engine.ReadRequest{Job: fmt.Sprintf("idle-%d", i), Attempt: 0})
		if err != nil {
			b.Fatal(err)
		}
		if !f.Next() { // its one line: the subscription is live
			b.Fatal(f.Err())
		}
		b.Cleanup(func() { f.Close() })
	}
	appendSingles(b, ts, appenders)
}

// appendSingles is the timed part of the append benchmarks: appenders
// clients, each appending single lines to a run of its own.
func appendSingles(b *testing.B, ts *testServer, appenders int) {
	var next atomic.Int64
	b.ResetTimer()
	b.SetParallelism(max(1, appenders/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		c := ts.dial(b, nil)
		job := fmt.Sprintf("busy-%d", next.Add(1))
		for pb.Next() {
			if _, err := c.Append(ctx, engine.Entry{Job: job, Message: "one more line"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkServer_AppendQueryFollower measures single-line appends by 4
// clients to their own runs in a store of 20,000 other runs, with and
// without a client following a query that matches none of the lines: what
// one query follower costs the server as the store grows. The store runs
// without fsync so that the CPU shows.
func BenchmarkServer_AppendQueryFollower(b *testing.B) {
	for _, follow := range []bool{false, true} {
		b.Run(fmt.Sprintf("follower=%v", follow), func(b *testing.B) {
			db := testutil.MustOpenDB(b, &engine.Options{NoSync: true})
			es := make([]engine.Entry, 20000)
			for i := range es {
				es[i] = engine.Entry{Job: fmt.Sprintf("old-%d", i), Message: "done"}
			}
			if _, err := db.Append(ctx, es...); err != nil {
				b.Fatal(err)
			}
			ts := serveDB(b, db, nil)
			if follow {
				f, err := ts.dial(b, nil).FollowQuery(ctx, "nomatchword")
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { f.Close() })
			}
			appendSingles(b, ts, 4)
		})
	}
}

// BenchmarkServer_Read measures READ of 100 lines in the full format.
func BenchmarkServer_Read(b *testing.B) {
	db := testutil.MustOpenDB(b, &engine.Options{NoSync: true})
	if _, err := db.Append(ctx, benchEntries("bench", 5000)...); err != nil {
		b.Fatal(err)
	}
	ts := serveDB(b, db, nil)
	c := ts.dial(b, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := c.Read(ctx, engine.ReadRequest{Job: "bench", Attempt: 0, From: int64(1 + i%4900), Count: 100})
		if err != nil || len(p.Entries) != 100 {
			b.Fatal(err)
		}
	}
}

// BenchmarkServer_Ping measures a round trip.
func BenchmarkServer_Ping(b *testing.B) {
	ts := startServer(b, nil)
	c := ts.dial(b, nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := c.Ping(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReader measures parsing a request of 100 lines to append.
func BenchmarkReader(b *testing.B) {
	var req bytes.Buffer
	es := benchEntries("bench", 100)
	fmt.Fprintf(&req, "*%d\r\n$13\r\nAPPENDENTRIES\r\n", 1+10*len(es))
	for _, e := range es {
		for _, a := range []string{e.Job, "0", "0", "Info", e.Message, "2", "app", "billing", "env", "prod"} {
			fmt.Fprintf(&req, "$%d\r\n%s\r\n", len(a), a)
		}
	}
	data := req.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rd := bytes.NewReader(data)
	br := bufio.NewReader(rd)
	r := server.NewReader(br)
	for i := 0; i < b.N; i++ {
		rd.Reset(data)
		br.Reset(rd)
		args, err := r.ReadRequest()
		if err != nil || len(args) != 1001 {
			b.Fatal(len(args), err)
		}
	}
}

package server_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/server"
)

// Ensure that a graceful shutdown under a load of appends leaves exactly
// the acknowledged lines in the store: each append in flight is either
// answered and stored, or refused (an error or a closed connection) and
// not stored; never half of a batch. Idle connections and followers are
// closed, and requests already buffered behind a running one are refused
// with -SHUTDOWN.
func TestServer_Shutdown(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	srv, err := server.New(db, &server.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	const writers, batch = 6, 40
	acked := make([]int64, writers)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		c, err := client.Dial(ctx, addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			es := make([]engine.Entry, batch)
			for i := 0; ; i++ {
				for k := range es {
					es[k] = engine.Entry{Job: fmt.Sprintf("w%d", w), Message: fmt.Sprintf("batch %d line %d", i, k)}
				}
				lines, err := c.Append(ctx, es...)
				if err != nil {
					return
				}
				if lines[0] != acked[w]+1 || lines[batch-1] != acked[w]+batch {
					t.Errorf("writer %d: lines %d..%d after %d", w, lines[0], lines[batch-1], acked[w])
					return
				}
				acked[w] = lines[batch-1]
			}
		}(w)
	}
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	follower, err := client.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer follower.Close()
	f, err := follower.Follow(ctx, engine.ReadRequest{Job: "w0", Attempt: 0})
	if err != nil {
		t.Fatal(err)
	}
	followed := make(chan error, 1)
	go func() {
		for f.Next() {
		}
		followed <- f.Err()
	}()

	time.Sleep(300 * time.Millisecond)
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, server.ErrServerClosed) {
		t.Fatalf("Serve: %v", err)
	}
	wg.Wait()
	for w := 0; w < writers; w++ {
		info, err := db.Run(ctx, fmt.Sprintf("w%d", w), 0)
		if err != nil {
			t.Fatal(err)
		}
		if acked[w] == 0 {
			t.Errorf("writer %d got nothing acknowledged", w)
		}
		if info.Lines != acked[w] {
			t.Errorf("writer %d: %d lines acknowledged, %d stored", w, acked[w], info.Lines)
		}
	}
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := idle.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("idle connection not closed: %d %v", n, err)
	}
	select {
	case err := <-followed:
		if err == nil {
			t.Error("follow ended without an error")
		}
	case <-time.After(5 * time.Second):
		t.Error("follower not closed")
	}
	if _, err := client.Dial(ctx, addr, nil); err == nil {
		t.Error("a connection was accepted after Shutdown")
	}
}

// Ensure that requests a client pipelined behind the one running when the
// shutdown began are refused with -SHUTDOWN, not run.
func TestServer_ShutdownRefusesBuffered(t *testing.T) {
	// The hook holds the QUERY until the shutdown has begun; the APPEND
	// behind it is already buffered. It is set before the server starts,
	// so that the server's goroutines see it.
	running, proceed := make(chan struct{}), make(chan struct{})
	server.SetQueryHook(func(err error) {
		close(running)
		<-proceed
	})
	t.Cleanup(func() { server.SetQueryHook(nil) })
	db := testutil.MustOpenDB(t, nil)
	ts := serveDB(t, db, nil)
	errs := make(chan error, 1)
	r := ts.raw(t)
	r.send("QUERY x\r\nAPPEND late 0 never\r\n")
	<-running
	go func() { errs <- ts.srv.Shutdown(ctx) }()
	time.Sleep(100 * time.Millisecond)
	close(proceed)
	if got := r.reply(); !strings.HasPrefix(got, `["rows" []`) {
		t.Fatalf("running request: %s", got)
	}
	if got := r.reply(); !strings.HasPrefix(got, "-SHUTDOWN") {
		t.Fatalf("buffered request: %s", got)
	}
	r.expectClosed()
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if _, err := db.Run(ctx, "late", 0); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("a refused append ran: %v", err)
	}
}

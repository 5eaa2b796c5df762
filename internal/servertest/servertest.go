package servertest

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/server"
)

// Serve serves db with a server.Server of opts on 127.0.0.1:0 until the
// test ends, then shuts it down and checks that Serve returned as it
// should. A nil opts means no rate limit (tests set one when they test
// it).
func Serve(t testing.TB, db *engine.DB, opts *server.Options) (*server.Server, string) {
	t.Helper()
	if opts == nil {
		opts = &server.Options{Rate: -1}
	}
	srv, err := server.New(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return srv, l.Addr().String()
}

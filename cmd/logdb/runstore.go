package main

import (
	"context"

	"github.com/logdb/logdb/engine"
)

// runStore is what logdb run and logdb gc need of a store: the data
// directory's *engine.DB, or a logdb server's *client.Client with
// --server, which has the same methods.
type runStore interface {
	StartRun(ctx context.Context, spec engine.RunSpec) (engine.RunInfo, error)
	FinishRun(ctx context.Context, job string, attempt int, res engine.RunResult) error
	Retry(ctx context.Context, job string) (engine.RunInfo, error)
	Pin(ctx context.Context, job string, attempt int, pinned bool) error
	DeleteRun(ctx context.Context, job string, attempt int) error
	Run(ctx context.Context, job string, attempt int) (engine.RunInfo, error)
	Expired(ctx context.Context, r *engine.Retention) (engine.GCReport, error)
	GC(ctx context.Context, r *engine.Retention) (engine.GCReport, error)
	Close() error
}

// openRuns opens the store the run commands work on: the server with
// --server, else the directory (created if create is set).
func openRuns(ctx context.Context, g *globals, create bool) (runStore, error) {
	if g.server != "" {
		c, err := g.dial(ctx)
		if err != nil {
			return nil, err // not a typed nil in the interface
		}
		return c, nil
	}
	db, err := openDB(g, create, nil)
	if err != nil {
		return nil, err
	}
	return db, nil
}

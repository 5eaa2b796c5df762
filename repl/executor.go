package repl

import (
	"context"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// An Executor is what the shell asks of a database. The shell parses
// queries itself, so that a mistake is pointed at with a caret before
// anything is sent, and hands over the parsed *query.Query; everything else
// is engine types.
//
// Local implements it over an open *engine.DB. A network client implements
// it by sending q.String() (which parses back to the same query) and the
// request fields to a server: every method is one request and one
// response, streamed for Follow and Tail. The shell calls one method at a
// time, from the goroutine that called Shell.Run, and cancels ctx when the
// user presses Ctrl-C.
type Executor interface {
	// Query runs q (see query.Run). opts carries the zone of the query's
	// times and the time relative times count from.
	Query(ctx context.Context, q *query.Query, opts query.Options) (Rows, error)

	// ReadLines returns a page of one run's lines (see engine.DB.ReadLines).
	ReadLines(ctx context.Context, r engine.ReadRequest) (*engine.Page, error)

	// Follow calls fn with each page of a run's lines from r on: first the
	// stored lines, then new ones as they are appended, then a last page
	// with the run's final state, and returns nil (see engine.DB.Follow).
	Follow(ctx context.Context, r engine.ReadRequest, fn func(*engine.Page) error) error

	// Tail calls fn with the last n entries matching q's filter that are
	// stored when Tail starts, oldest first, and then with each matching
	// entry appended later, each exactly once and those of one run in line
	// order, until ctx is done or fn returns an error. q has no pipes.
	Tail(ctx context.Context, q *query.Query, opts query.Options, n int, fn func(*engine.Entry) error) error

	// QueryRuns runs q over the runs' records instead of their lines (see
	// query.RunRuns): one record per run, or what q's pipes make of them.
	QueryRuns(ctx context.Context, q *query.Query, opts query.Options) (Rows, error)

	// Run returns the state of one run (see engine.DB.Run), or an error
	// wrapping engine.ErrRunNotFound.
	Run(ctx context.Context, job string, attempt int) (engine.RunInfo, error)

	// Runs returns the state of every run, ordered by job and attempt.
	Runs(ctx context.Context) ([]engine.RunInfo, error)

	// Stats describes the database.
	Stats(ctx context.Context) (engine.Stats, error)
}

// Rows are the results of Executor.Query; *query.Rows is one. See
// query.Rows for the contract: a Row is valid until the next call to Next,
// and Err tells why Next returned false.
type Rows interface {
	Next() bool
	Row() *query.Row
	Err() error
	Close() error
	// Location is the zone the query's times are in (its tz=, else the
	// zone passed in query.Options).
	Location() *time.Location
}

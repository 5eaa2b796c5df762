package ingest

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/logdb/logdb/engine"
)

// LoadBatchLines and LoadBatchBytes bound one Append of Load: whichever is
// reached first ends a batch.
const (
	LoadBatchLines = 8192
	LoadBatchBytes = 4 << 20
)

// LoadStats counts what Load did.
type LoadStats struct {
	Stored   int64 // lines appended
	Rejected int64 // lines the Reader rejected
}

// A Loader appends the entries of Readers to a DB, parsing on the calling
// goroutine while a second goroutine appends the previous batch, so that a
// load keeps two cores busy. Stored may be read from other goroutines while
// a load runs (for progress reports).
type Loader struct {
	DB *engine.DB
	// OnReject, if set, is called with every rejected line.
	OnReject func(*LineError)

	stored   atomic.Int64
	rejected atomic.Int64
	runs     map[runKey]struct{}
}

type runKey struct {
	job     string
	attempt int
}

// Stored returns the number of lines appended so far.
func (l *Loader) Stored() int64 { return l.stored.Load() }

// Stats returns the counts so far.
func (l *Loader) Stats() LoadStats {
	return LoadStats{Stored: l.stored.Load(), Rejected: l.rejected.Load()}
}

// Runs returns the number of distinct runs loaded into.
func (l *Loader) Runs() int { return len(l.runs) }

// Load reads r to the end and appends its entries. A rejected line is
// counted, passed to OnReject and skipped; any other error stops the load
// and is returned, with the lines appended before it stored.
func (l *Loader) Load(ctx context.Context, r *Reader) error {
	if l.runs == nil {
		l.runs = map[runKey]struct{}{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []engine.Entry, 2)
	var (
		appendErr error
		wg        sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := range batches {
			if appendErr != nil {
				continue
			}
			if _, err := l.DB.Append(ctx, b...); err != nil {
				appendErr = err
				cancel()
				continue
			}
			l.stored.Add(int64(len(b)))
		}
	}()
	readErr := l.read(ctx, r, batches)
	close(batches)
	wg.Wait()
	if appendErr != nil {
		return appendErr
	}
	return readErr
}

func (l *Loader) read(ctx context.Context, r *Reader, out chan<- []engine.Entry) error {
	batch := make([]engine.Entry, 0, LoadBatchLines)
	bytes := 0
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		select {
		case out <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch, bytes = make([]engine.Entry, 0, LoadBatchLines), 0
		return nil
	}
	for {
		e, err := r.Read()
		if err == io.EOF {
			return send()
		}
		var le *LineError
		if errors.As(err, &le) {
			l.rejected.Add(1)
			if l.OnReject != nil {
				l.OnReject(le)
			}
			continue
		}
		if err != nil {
			return err
		}
		if k := (runKey{e.Job, e.Attempt}); !l.seen(k) {
			// A copy: the entry's strings live in the reader's arena.
			l.runs[runKey{strings.Clone(e.Job), e.Attempt}] = struct{}{}
		}
		batch = append(batch, e)
		bytes += len(e.Message)
		if len(batch) == LoadBatchLines || bytes >= LoadBatchBytes {
			if err := send(); err != nil {
				return err
			}
		}
	}
}

func (l *Loader) seen(k runKey) bool {
	_, ok := l.runs[k]
	return ok
}

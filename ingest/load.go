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

// LoadEndedLines is how far the input must have moved past a run's last
// line in a batch (that many lines of other runs after it) for Load to
// take the run as ended for now and have its lines sealed with the batch
// (engine.AppendOptions.Ended); at the end of the input every run is.
// Sealing a run's last lines at once spares writing them as an unsealed
// tail first and again when the tail is sealed: on the shared workload a
// third of the lines, and most of the value-log garbage a load left.
const LoadEndedLines = 1024

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
	batches := make(chan loadBatch, 2)
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
			opts := engine.AppendOptions{Ended: func(job string, attempt int) bool {
				return b.final || b.ended[runKey{job, attempt}]
			}}
			if _, err := l.DB.AppendWith(ctx, opts, b.entries...); err != nil {
				appendErr = err
				cancel()
				continue
			}
			l.stored.Add(int64(len(b.entries)))
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

// A loadBatch is one Append of Load: its entries and the runs that ended
// in it (see LoadEndedLines); all of them if final.
type loadBatch struct {
	entries []engine.Entry
	ended   map[runKey]bool
	final   bool
}

// endedRuns returns the runs of batch with at least LoadEndedLines lines of
// other runs after their last line.
func endedRuns(batch []engine.Entry) map[runKey]bool {
	last := map[runKey]int{}
	for i := range batch {
		last[runKey{batch[i].Job, batch[i].Attempt}] = i
	}
	ended := map[runKey]bool{}
	for k, i := range last {
		if len(batch)-1-i >= LoadEndedLines {
			ended[k] = true
		}
	}
	return ended
}

func (l *Loader) read(ctx context.Context, r *Reader, out chan<- loadBatch) error {
	batch := make([]engine.Entry, 0, LoadBatchLines)
	bytes := 0
	send := func(final bool) error {
		if len(batch) == 0 {
			return nil
		}
		b := loadBatch{entries: batch, final: final}
		if !final {
			b.ended = endedRuns(batch)
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch, bytes = make([]engine.Entry, 0, LoadBatchLines), 0
		return nil
	}
	for {
		e, err := r.Read()
		if err == io.EOF {
			return send(true)
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
		if _, ok := l.runs[runKey{e.Job, e.Attempt}]; !ok {
			// A copy: the entry's strings live in the reader's arena.
			l.runs[runKey{strings.Clone(e.Job), e.Attempt}] = struct{}{}
		}
		batch = append(batch, e)
		bytes += len(e.Message)
		if len(batch) == LoadBatchLines || bytes >= LoadBatchBytes {
			if err := send(false); err != nil {
				return err
			}
		}
	}
}

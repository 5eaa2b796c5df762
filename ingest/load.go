package ingest

import (
	"cmp"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/logdb/logdb/engine"
)

// LoadBatchLines and LoadBatchBytes bound one Append of Load: whichever is
// reached first ends a batch (a batch may pass them by the lines of one
// block).
const (
	LoadBatchLines = 8192
	LoadBatchBytes = 4 << 20
)

// Load holds each run's newest lines back until they fill a sealed block
// (engine.Options.BlockLines or BlockBytes), so that the engine writes them
// once, sealed, instead of first as an unsealed tail and again when the
// tail is sealed. A run's lines that fill no block are appended, and sealed
// (engine.AppendOptions.Ended), once LoadEndedLines lines of other runs have
// followed its last line, and at the end of the input. On the 1M-line
// shared workload the store a load leaves went from 58.3 to 52.7 MB: the
// value-log garbage of rewritten tails is gone.
//
// LoadEndedLines is how far the input must move past a run's last line
// for Load to take the run as ended for now; DefaultLoadBufferBytes is how
// many message bytes Load holds back at most (Loader.BufferBytes): past it,
// every run's held lines are appended as they are.
const (
	LoadEndedLines         = 1024
	DefaultLoadBufferBytes = 16 << 20
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
	// DB stores the lines: an *engine.DB, or a client of logdb serve.
	DB Appender
	// OnReject, if set, is called with every rejected line.
	OnReject func(*LineError)
	// BufferBytes bounds the message bytes held back to fill blocks;
	// 0 means DefaultLoadBufferBytes.
	BufferBytes int

	stored   atomic.Int64
	rejected atomic.Int64
	runs     map[runKey]struct{}
}

// An Appender stores batches of entries, all or nothing, as
// engine.DB.AppendWith does, and keeps nothing of entries once it returns:
// Load fills the slice again.
type Appender interface {
	AppendWith(ctx context.Context, opts engine.AppendOptions, entries ...engine.Entry) ([]int64, error)
}

// blockSizes returns the block bounds of a, or the engine's defaults when
// a does not tell them.
func blockSizes(a Appender) engine.Options {
	if o, ok := a.(interface{ Options() engine.Options }); ok {
		return o.Options()
	}
	return *engine.DefaultOptions()
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
// and is returned. Each run's lines are appended in input order, but the
// lines of different runs are not (see LoadEndedLines), so what a failed
// load leaves stored is, for each run, its first lines in the input:
// engine.RunInfo.Lines of them.
func (l *Loader) Load(ctx context.Context, r *Reader) error {
	if l.runs == nil {
		l.runs = map[runKey]struct{}{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan loadBatch, 2)
	// Appended batches come back to be filled again: AppendWith keeps
	// nothing of its argument.
	spent := make(chan []engine.Entry, 3)
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
			clear(b.entries)
			select {
			case spent <- b.entries[:0]:
			default:
			}
		}
	}()
	readErr := l.read(ctx, r, batches, spent)
	close(batches)
	wg.Wait()
	if appendErr != nil {
		return appendErr
	}
	return readErr
}

// A loadBatch is one Append of Load: its entries and the runs to seal with
// it; all of them if final.
type loadBatch struct {
	entries []engine.Entry
	ended   map[runKey]bool
	final   bool
}

// A heldRun is the lines of one run that Load holds back.
type heldRun struct {
	key     runKey
	entries []engine.Entry
	bytes   int   // message bytes plus a newline per line, as the engine counts
	first   int64 // input position of its first held line
	last    int64 // … and of its last
}

// holder holds lines back by run and releases them into batches.
type holder struct {
	blockLines, blockBytes, maxBytes int

	runs  map[runKey]*heldRun
	bytes int // held message bytes

	batch      []engine.Entry
	batchBytes int
	ended      map[runKey]bool

	// free holds emptied entry slices of released runs, spent those of
	// appended batches, for reuse: growing them anew was a sixth of a
	// load's allocation, which the garbage collector paid for.
	free  [][]engine.Entry
	spent <-chan []engine.Entry
}

// maxFreeRuns bounds holder.free: a run's slice holds up to a block's
// entries (2048 by default, 200 KB).
const maxFreeRuns = 64

func newHolder(o engine.Options, maxBytes int) *holder {
	if maxBytes <= 0 {
		maxBytes = DefaultLoadBufferBytes
	}
	return &holder{
		blockLines: o.BlockLines, blockBytes: o.BlockBytes, maxBytes: maxBytes,
		runs: map[runKey]*heldRun{}, ended: map[runKey]bool{},
	}
}

// add holds e, the line at input position pos, releasing its run's lines
// once they fill a block.
func (h *holder) add(e engine.Entry, pos int64) {
	k := runKey{e.Job, e.Attempt}
	hr := h.runs[k]
	if hr == nil {
		hr = &heldRun{key: k, first: pos}
		if n := len(h.free); n > 0 {
			hr.entries, h.free = h.free[n-1], h.free[:n-1]
		}
		h.runs[k] = hr
	}
	hr.entries = append(hr.entries, e)
	hr.bytes += len(e.Message) + 1
	hr.last = pos
	h.bytes += len(e.Message) + 1
	if len(hr.entries) >= h.blockLines || hr.bytes >= h.blockBytes {
		h.release(hr, false)
	}
	if h.bytes > h.maxBytes {
		h.releaseAll(func(*heldRun) bool { return true }, false)
	}
}

// releaseQuiet releases, to be sealed, the runs with at least
// LoadEndedLines lines after their last one, pos lines having been read.
func (h *holder) releaseQuiet(pos int64) {
	h.releaseAll(func(hr *heldRun) bool { return pos-1-hr.last >= LoadEndedLines }, true)
}

// releaseAll releases the held runs that pick selects, in the order of
// their first held lines, so that new runs are created in input order.
func (h *holder) releaseAll(pick func(*heldRun) bool, ended bool) {
	var rs []*heldRun
	for _, hr := range h.runs {
		if pick(hr) {
			rs = append(rs, hr)
		}
	}
	slices.SortFunc(rs, func(a, b *heldRun) int { return cmp.Compare(a.first, b.first) })
	for _, hr := range rs {
		h.release(hr, ended)
	}
}

func (h *holder) release(hr *heldRun, ended bool) {
	h.batch = append(h.batch, hr.entries...)
	h.batchBytes += hr.bytes
	h.bytes -= hr.bytes
	if ended {
		h.ended[hr.key] = true
	}
	delete(h.runs, hr.key)
	if len(h.free) < maxFreeRuns {
		clear(hr.entries)
		h.free = append(h.free, hr.entries[:0])
	}
}

// full reports whether the released lines make a batch.
func (h *holder) full() bool {
	return len(h.batch) >= LoadBatchLines || h.batchBytes >= LoadBatchBytes
}

// take returns the released lines as a batch and starts a new one.
func (h *holder) take(final bool) loadBatch {
	b := loadBatch{entries: h.batch, ended: h.ended, final: final}
	h.batch, h.batchBytes, h.ended = h.emptyBatch(), 0, map[runKey]bool{}
	return b
}

// emptyBatch returns a spent batch's slice, or a new one. A batch passes
// LoadBatchLines by a block's lines at most.
func (h *holder) emptyBatch() []engine.Entry {
	select {
	case b := <-h.spent:
		return b
	default:
		return make([]engine.Entry, 0, LoadBatchLines+h.blockLines)
	}
}

func (l *Loader) read(ctx context.Context, r *Reader, out chan<- loadBatch, spent <-chan []engine.Entry) error {
	h := newHolder(blockSizes(l.DB), l.BufferBytes)
	h.spent = spent
	h.batch = h.emptyBatch()
	send := func(final bool) error {
		if len(h.batch) == 0 {
			return nil
		}
		select {
		case out <- h.take(final):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for pos := int64(0); ; {
		e, err := r.Read()
		if err == io.EOF {
			h.releaseAll(func(*heldRun) bool { return true }, true)
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
		h.add(e, pos)
		pos++
		if pos%(LoadEndedLines/4) == 0 {
			h.releaseQuiet(pos)
		}
		if h.full() {
			if err := send(false); err != nil {
				return err
			}
		}
	}
}

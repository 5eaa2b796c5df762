package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Runs are first-class: besides its lines, a run has a record with its
// kind, state, times, exit code and message, peak memory and labels, set by
// StartRun and FinishRun and kept up to date by Append (line and level
// counts, first and last event time). The record's layout is in run.go.

// RunInfo describes a run.
type RunInfo struct {
	Job     string
	Attempt int
	Kind    string // flow, scheduled, api, function … as given to StartRun
	Status  RunStatus
	Labels  Labels // given to StartRun, else those of the run's first line
	Pinned  bool   // exempt from retention

	// Times, Unix ns; 0 when unknown. Triggered and Started come from
	// StartRun (Started defaults to the first append, Triggered to
	// Started, or to Created while the run waits); Ended from
	// FinishRun. Created is the wall time the run was first stored,
	// Updated of its last append or change. FirstTime and LastTime bound
	// the event times of its lines.
	Triggered, Started, Ended int64
	Created, Updated          int64
	FirstTime, LastTime       int64

	// Duration is the run's duration as FinishRun gave it, else Ended −
	// Started. BilledDuration is Duration rounded up to 100 ms, as the
	// function-log API bills it.
	Duration, BilledDuration time.Duration
	PeakMemory               int64 // bytes

	ExitCode    int64
	ExitMessage string

	Lines  int64            // lines in the run
	Bytes  int64            // message bytes, one newline per line counted
	Levels [NumLevels]int64 // lines per level
}

func (r *runRecord) info() RunInfo {
	info := RunInfo{
		Job: r.job, Attempt: r.attempt, Kind: r.kind, Status: r.status, Labels: r.labels, Pinned: r.pinned,
		Triggered: r.triggered, Started: r.started, Ended: r.ended,
		Created: r.created, Updated: r.updated, FirstTime: r.firstT, LastTime: r.lastT,
		PeakMemory: r.memory, ExitCode: r.exit, ExitMessage: r.exitMsg,
		Lines: r.lines, Bytes: r.bytes, Levels: r.levels,
	}
	if info.Started == 0 && r.status != Waiting {
		info.Started = r.created
	}
	if info.Triggered == 0 {
		info.Triggered = cmp.Or(info.Started, r.created)
	}
	switch {
	case r.duration > 0:
		info.Duration = time.Duration(r.duration)
	case r.ended > 0 && info.Started > 0 && r.ended > info.Started:
		info.Duration = time.Duration(r.ended - info.Started)
	}
	const bill = 100 * time.Millisecond
	info.BilledDuration = (info.Duration + bill - 1) / bill * bill
	return info
}

// Run returns the state of job's attempt, which may be Latest or negative
// (counting back from the latest). It returns an error wrapping
// ErrRunNotFound if there is no such run.
func (db *DB) Run(ctx context.Context, job string, attempt int) (RunInfo, error) {
	if err := db.checkOpen(); err != nil {
		return RunInfo{}, err
	}
	var info RunInfo
	err := db.bdb.View(func(txn *badger.Txn) error {
		id, err := db.resolveRun(txn, job, attempt)
		if err != nil {
			return err
		}
		rec, err := getRunRecord(txn, id)
		if err != nil {
			return err
		}
		info = rec.info()
		return nil
	})
	return info, err
}

// Runs returns the state of every run, ordered by job and attempt. It reads
// one small record per run.
func (db *DB) Runs(ctx context.Context) ([]RunInfo, error) {
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	// The records are read in one pass over the 'R' keys, in run-ID
	// order, and sorted, rather than by following the job index with a
	// point lookup per run: a Badger Get looks in every level of the LSM
	// tree, and those lookups were two thirds of the time
	// (BENCHMARKS.md "Runs"). They are gathered in fixed-size chunks and
	// sorted by pointer, so that a RunInfo (256 bytes) is copied only into
	// the result: growing one large slice by append copies it about four
	// times over. The records are small, nearly always in the LSM tree
	// itself, so the iterator does not prefetch values: prefetching made
	// the pass 1.6 times slower.
	const chunkLen = 1024
	var (
		chunks [][]RunInfo
		sorted []*RunInfo
	)
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxRun}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var rec runRecord
			if err := it.Item().Value(func(v []byte) (err error) {
				rec, err = decodeRunRecord(v)
				return err
			}); err != nil {
				return err
			}
			if len(chunks) == 0 || len(chunks[len(chunks)-1]) == chunkLen {
				chunks = append(chunks, make([]RunInfo, 0, chunkLen))
			}
			c := &chunks[len(chunks)-1]
			*c = append(*c, rec.info())
			sorted = append(sorted, &(*c)[len(*c)-1])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Runs are numbered in the order they were created, so the records
	// come mostly in order already, which the sort is quick on.
	slices.SortFunc(sorted, func(a, b *RunInfo) int {
		return cmp.Or(strings.Compare(a.Job, b.Job), cmp.Compare(a.Attempt, b.Attempt))
	})
	out := make([]RunInfo, len(sorted))
	for i, r := range sorted {
		out[i] = *r
	}
	return out, nil
}

// JobRuns returns the state of job's runs, ordered by attempt; none if job
// has no runs. It reads the job's index entries and one record per attempt,
// and so does not depend on how many other runs the DB holds.
func (db *DB) JobRuns(ctx context.Context, job string) ([]RunInfo, error) {
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	var out []RunInfo
	err := db.bdb.View(func(txn *badger.Txn) error {
		refs, err := db.attemptsOf(txn, job)
		if err != nil {
			return err
		}
		for _, ref := range refs {
			if err := ctx.Err(); err != nil {
				return err
			}
			rec, err := getRunRecord(txn, ref.id)
			if err != nil {
				return err
			}
			out = append(out, rec.info())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// NextAttempt, as RunSpec.Attempt, starts the attempt after the job's
// latest (attempt 0 for a new job).
const NextAttempt = math.MinInt32 + 1

// A RunSpec describes a run being started.
type RunSpec struct {
	Job string
	// Attempt is the attempt to start: a number from 0, or NextAttempt.
	Attempt int
	Kind    string
	Labels  Labels
	// Triggered and Started are Unix ns; a zero Started means now, unless
	// Waiting.
	Triggered, Started int64
	// Waiting starts the run as triggered but not yet running; the next
	// StartRun or Append makes it Running.
	Waiting bool
}

// StartRun creates a run, or updates a run that has not finished, with the
// kind, labels and times of spec, and returns its state. Lines may be
// appended before or after; Append creates runs on its own too.
func (db *DB) StartRun(ctx context.Context, spec RunSpec) (RunInfo, error) {
	if spec.Job == "" || spec.Attempt < 0 && spec.Attempt != NextAttempt || spec.Attempt > maxAttempt {
		return RunInfo{}, fmt.Errorf("%w: run %q attempt %d", ErrBadEntry, spec.Job, spec.Attempt)
	}
	if err := db.checkEntry(&Entry{Job: spec.Job}, 0); err != nil {
		return RunInfo{}, err
	}
	return db.changeRun(spec.Job, spec.Attempt, true, func(rec *runRecord) error {
		if rec.status.Finished() {
			return fmt.Errorf("%w: %s/%d ended as %s", ErrRunFinished, rec.job, rec.attempt, rec.status)
		}
		if spec.Kind != "" {
			rec.kind = spec.Kind
		}
		if len(spec.Labels) > 0 {
			rec.labels = append(Labels(nil), spec.Labels.normalize()...).text()
		}
		if spec.Triggered != 0 {
			rec.triggered = spec.Triggered
		}
		rec.status = Running
		switch {
		case spec.Waiting:
			rec.status = Waiting
		case spec.Started != 0:
			rec.started = spec.Started
		case rec.started == 0:
			rec.started = now()
		}
		return nil
	})
}

// Retry starts the attempt after job's latest, with the latest attempt's
// kind and labels, and returns its state. It returns an error wrapping
// ErrRunNotFound if the job has no runs.
func (db *DB) Retry(ctx context.Context, job string) (RunInfo, error) {
	prev, err := db.Run(ctx, job, Latest)
	if err != nil {
		return RunInfo{}, err
	}
	return db.StartRun(ctx, RunSpec{Job: job, Attempt: NextAttempt, Kind: prev.Kind, Labels: prev.Labels})
}

// A RunResult is how a run ended.
type RunResult struct {
	Status   RunStatus // Success, Failed or Canceled
	ExitCode int64
	Message  string
	// Ended is when the run ended, Unix ns; 0 means now.
	Ended int64
	// Duration, if not 0, is the run's duration as measured by whoever ran
	// it; otherwise it is Ended − Started.
	Duration time.Duration
	// PeakMemory is the most memory the run used, in bytes, if known.
	PeakMemory int64
}

// FinishRun records that a run ended: its status, exit code and message,
// duration and memory. It seals the run's tail. Appending to a finished run
// fails with ErrRunFinished; finishing it again too.
func (db *DB) FinishRun(ctx context.Context, job string, attempt int, res RunResult) error {
	if !res.Status.Finished() {
		return fmt.Errorf("%w: a run finishes as success, failed or canceled, not %s", ErrBadEntry, res.Status)
	}
	if res.Ended == 0 {
		res.Ended = now()
	}
	_, err := db.changeRun(job, attempt, false, func(rec *runRecord) error {
		if rec.status.Finished() {
			return fmt.Errorf("%w: %s/%d ended as %s", ErrRunFinished, rec.job, rec.attempt, rec.status)
		}
		rec.status, rec.exit, rec.exitMsg, rec.ended = res.Status, res.ExitCode, res.Message, res.Ended
		rec.duration, rec.memory = int64(res.Duration), res.PeakMemory
		return nil
	})
	return err
}

// Pin exempts a run from retention, or with pinned false makes it subject
// to it again.
func (db *DB) Pin(ctx context.Context, job string, attempt int, pinned bool) error {
	_, err := db.changeRun(job, attempt, false, func(rec *runRecord) error {
		rec.pinned = pinned
		return nil
	})
	return err
}

// changeRun applies change to a run's record and stores it, sealing the
// run's tail if the change finishes it. attempt may be Latest, negative, or
// with create NextAttempt; with create a missing run is made.
func (db *DB) changeRun(job string, attempt int, create bool, change func(*runRecord) error) (RunInfo, error) {
	if err := db.writable(); err != nil {
		return RunInfo{}, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		return RunInfo{}, ErrClosed
	}
	if err := db.disk.admit("change a run's record", 64<<10); err != nil {
		return RunInfo{}, err
	}
	wb := db.newWriteBatch()
	defer wb.discard()
	if attempt == NextAttempt {
		attempt = 0
		if err := db.bdb.View(func(txn *badger.Txn) error {
			if l := db.latestAttempts(txn)(job); l >= 0 {
				attempt = l + 1
			}
			return nil
		}); err != nil {
			return RunInfo{}, err
		}
	} else if attempt < 0 {
		if err := db.bdb.View(func(txn *badger.Txn) error {
			id, err := db.resolveRun(txn, job, attempt)
			if err != nil {
				return err
			}
			rec, err := getRunRecord(txn, id)
			attempt = rec.attempt
			return err
		}); err != nil {
			return RunInfo{}, err
		}
	}
	rs, err := wb.run(runName{job, attempt}, create)
	if err != nil {
		return RunInfo{}, err
	}
	if rs == nil {
		return RunInfo{}, fmt.Errorf("%w: job %q attempt %d", ErrRunNotFound, job, attempt)
	}
	ns := rs.clone()
	ns.isNew = false
	if err := change(&ns.rec); err != nil {
		return RunInfo{}, err
	}
	ns.rec.updated = now()
	var ops []op
	if rs.isNew {
		ops = append(ops, op{key: jobKey(job, attempt), val: binaryRunID(rs.id)})
	}
	if n, _ := rs.tailLines(); ns.rec.status.Finished() && n > 0 {
		if err := wb.sealTail(rs); err != nil {
			return RunInfo{}, err
		}
		sealed := wb.pending[rs.id]
		sealed.rec = ns.rec
		ns = sealed
	}
	ops = append(ops, op{key: runKey(pfxRun, rs.id), val: ns.rec.encode()})
	if err := wb.add(ops, ns); err != nil {
		return RunInfo{}, err
	}
	wb.change(ns.rec.job)
	if err := wb.commit(); err != nil {
		return RunInfo{}, err
	}
	return ns.rec.info(), nil
}

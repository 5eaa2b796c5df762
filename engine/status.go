package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// RunStatus is the state of a run.
type RunStatus uint8

// The run states. A run is Running from its first line until FinishRun.
const (
	Running RunStatus = iota
	Success
	Failed
)

var runStatusNames = [...]string{Running: "running", Success: "success", Failed: "failed"}

func (s RunStatus) String() string {
	if int(s) < len(runStatusNames) {
		return runStatusNames[s]
	}
	return fmt.Sprintf("RunStatus(%d)", uint8(s))
}

// ParseRunStatus maps "running", "success" or "failed" (any case; also
// "succeeded", "ok", "failure", "error") onto a RunStatus.
func ParseRunStatus(s string) (RunStatus, bool) {
	switch strings.ToLower(s) {
	case "running":
		return Running, true
	case "success", "succeeded", "ok":
		return Success, true
	case "failed", "failure", "error":
		return Failed, true
	}
	return 0, false
}

// RunInfo describes a run.
type RunInfo struct {
	Job     string
	Attempt int
	Status  RunStatus

	// Created is when the run's first line was appended; Ended when it was
	// finished (0 while running). FirstTime and LastTime bound the event
	// times of its lines. All Unix ns.
	Created, Ended      int64
	FirstTime, LastTime int64

	Lines  int64            // lines in the run
	Bytes  int64            // message bytes, one newline per line counted
	Levels [NumLevels]int64 // lines per level

	ExitCode    int64
	ExitMessage string
}

func (r *runRecord) info() RunInfo {
	return RunInfo{
		Job: r.job, Attempt: r.attempt, Status: r.status,
		Created: r.created, Ended: r.ended, FirstTime: r.firstT, LastTime: r.lastT,
		Lines: r.lines, Bytes: r.bytes, Levels: r.levels,
		ExitCode: r.exit, ExitMessage: r.exitMsg,
	}
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

// A RunResult is how a run ended.
type RunResult struct {
	Status   RunStatus // Success or Failed
	ExitCode int64
	Message  string
	// Ended is when the run ended, Unix ns; 0 means now.
	Ended int64
}

// FinishRun records that a run ended: its status, exit code and message.
// It seals the run's tail. Appending to a finished run fails with
// ErrRunFinished; finishing it again too.
func (db *DB) FinishRun(ctx context.Context, job string, attempt int, res RunResult) error {
	if res.Status != Success && res.Status != Failed {
		return fmt.Errorf("%w: a run finishes as success or failed, not %s", ErrBadEntry, res.Status)
	}
	if res.Ended == 0 {
		res.Ended = time.Now().UnixNano()
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		return ErrClosed
	}
	wb := db.newWriteBatch()
	defer wb.discard()
	var id uint64
	err := db.bdb.View(func(txn *badger.Txn) error {
		var err error
		id, err = db.resolveRun(txn, job, attempt)
		return err
	})
	if err != nil {
		return err
	}
	rs, err := db.loadRunID(wb.txn, id)
	if err != nil {
		return err
	}
	if rs.rec.status != Running {
		return fmt.Errorf("%w: %s/%d ended as %s", ErrRunFinished, rs.rec.job, rs.rec.attempt, rs.rec.status)
	}
	if err := wb.sealTail(rs); err != nil {
		return err
	}
	ns := rs
	if p, ok := wb.pending[id]; ok {
		ns = p
	}
	ns = ns.clone()
	ns.rec.status, ns.rec.exit, ns.rec.exitMsg, ns.rec.ended = res.Status, res.ExitCode, res.Message, res.Ended
	if err := wb.add([]op{{key: runKey(pfxRun, id), val: ns.rec.encode()}}, ns); err != nil {
		return err
	}
	wb.changed = true
	return wb.commit()
}

// Changes returns a channel that is closed the next time lines are appended
// or a run finishes, and when the DB closes. Followers wait on it, then
// read what is new; take a new channel each time.
func (db *DB) Changes() <-chan struct{} {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.mu.changed
}

// Runs returns the state of every run, ordered by job and attempt. It reads
// one small record per run.
func (db *DB) Runs(ctx context.Context) ([]RunInfo, error) {
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	var out []RunInfo
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxJob}, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			id, err := decodeRunID(v)
			if err != nil {
				return err
			}
			rec, err := getRunRecord(txn, id)
			if err != nil {
				return err
			}
			out = append(out, rec.info())
		}
		return nil
	})
	return out, err
}

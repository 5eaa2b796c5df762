package engine

import (
	"context"
	"fmt"
	"strings"
)

// Append stores entries and returns the line number given to each, in order.
// Line numbers count from 1 inside each run (job, attempt) without gaps, in
// append order. An entry's Time of 0 becomes the current time; its Line is
// ignored; its Labels are sorted if they are not.
//
// When Append returns nil the entries are durable (unless Options.NoSync)
// and visible to ReadLines and Query. An invalid entry (ErrBadEntry,
// ErrLineTooLong) fails the whole call before anything is stored. Any other
// error may leave a prefix of some runs' new lines stored, numbered without
// gaps.
func (db *DB) Append(ctx context.Context, entries ...Entry) ([]int64, error) {
	return db.AppendWith(ctx, AppendOptions{}, entries...)
}

// AppendOptions tune one AppendWith.
type AppendOptions struct {
	// Ended, if set, reports the runs whose lines in this call are their
	// last for a while: their lines are sealed into blocks (and indexed)
	// in the same write, instead of waiting as an unsealed tail to be
	// merged with later lines and sealed once idle, which writes them
	// again. A bulk load says so of the runs its input has moved past.
	// Later lines of such a run start a block of their own.
	Ended func(job string, attempt int) bool
}

// AppendWith is Append with options.
func (db *DB) AppendWith(ctx context.Context, opts AppendOptions, entries ...Entry) ([]int64, error) {
	if err := db.writable(); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	es := make([]Entry, len(entries))
	t := now()
	for i := range entries {
		e := entries[i]
		if err := db.checkEntry(&e, i); err != nil {
			return nil, err
		}
		if e.Time == 0 {
			e.Time = t
		}
		e.Labels = e.Labels.normalize()
		es[i] = e
	}

	if err := db.disk.admit(fmt.Sprintf("append %d lines", len(es)), appendNeed(es)); err != nil {
		return nil, err
	}

	// Group by run, keeping the order of first appearance.
	var (
		order  []runName
		groups = map[runName][]int{}
	)
	for i := range es {
		n := runName{es[i].Job, es[i].Attempt}
		if _, ok := groups[n]; !ok {
			order = append(order, n)
		}
		groups[n] = append(groups[n], i)
	}

	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		return nil, ErrClosed
	}
	lines := make([]int64, len(es))
	wb := db.newWriteBatch()
	defer wb.discard()
	// A finished run takes no more lines; check them all before writing.
	for _, name := range order {
		rs, err := wb.run(name, false)
		if err != nil {
			return nil, err
		}
		if rs != nil && rs.rec.status.Finished() {
			return nil, fmt.Errorf("%w: %s/%d ended as %s", ErrRunFinished, name.job, name.attempt, rs.rec.status)
		}
	}
	piece := make([]Entry, 0, db.opts.BlockLines)
	for _, name := range order {
		idx := groups[name]
		for len(idx) > 0 {
			n := min(len(idx), db.opts.BlockLines)
			rs, err := wb.run(name, true)
			if err != nil {
				return nil, err
			}

			piece = piece[:0]
			for k, i := range idx[:n] {
				e := es[i]
				e.Line = rs.rec.lines + 1 + int64(k)
				lines[i] = e.Line
				piece = append(piece, e)
			}
			idx = idx[n:]
			ended := len(idx) == 0 && opts.Ended != nil && opts.Ended(name.job, name.attempt)
			if err := wb.appendLines(rs, piece, ended); err != nil {
				return nil, err
			}
		}
	}
	if err := wb.commit(); err != nil {
		return nil, err
	}
	db.lastAppend.Store(now())
	return lines, nil
}

// appendNeed estimates the disk space an Append of es takes before Badger
// compacts it: each line in its run's tail, then again in a sealed block.
func appendNeed(es []Entry) int64 {
	n := int64(0)
	for i := range es {
		n += int64(len(es[i].Message)) + 32
		for _, l := range es[i].Labels {
			n += int64(len(l.Name) + len(l.Value))
		}
	}
	return 2*n + 4096
}

func (db *DB) checkEntry(e *Entry, i int) error {
	switch {
	case e.Job == "":
		return fmt.Errorf("%w: entry %d has no job", ErrBadEntry, i)
	case strings.IndexByte(e.Job, 0) >= 0:
		return fmt.Errorf("%w: entry %d: job name contains a NUL byte", ErrBadEntry, i)
	case e.Attempt < 0 || e.Attempt > maxAttempt:
		return fmt.Errorf("%w: entry %d: attempt %d out of range [0, %d]", ErrBadEntry, i, e.Attempt, maxAttempt)
	case int(e.Level) >= NumLevels:
		return fmt.Errorf("%w: entry %d: unknown level %d", ErrBadEntry, i, e.Level)
	case len(e.Message) > db.opts.MaxLineBytes:
		return fmt.Errorf("%w: entry %d is %d bytes, the limit is %d", ErrLineTooLong, i, len(e.Message), db.opts.MaxLineBytes)
	}
	return nil
}

// maxAttempt is the highest attempt number; attempts are stored in 4 bytes.
const maxAttempt = 1<<31 - 1

package engine

import (
	"context"
	"slices"
)

// Changes returns a channel that is closed the next time lines are appended
// or a run changes (StartRun, FinishRun), and when the DB closes. Followers
// wait on it, then read what is new; take a new channel each time.
func (db *DB) Changes() <-chan struct{} {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.mu.changed
}

// JobChanges returns a channel that is closed the next time job's runs
// change (lines appended to one, one started, finished or deleted) and when
// the DB closes: Changes for the followers of one job's runs, who then
// sleep through the appends to every other run. Take a new channel each
// time. A channel nobody waits on any more is dropped at the job's next
// change.
func (db *DB) JobChanges(job string) <-chan struct{} {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		return db.mu.changed // closed
	}
	ch, ok := db.mu.jobChanged[job]
	if !ok {
		ch = make(chan struct{})
		db.mu.jobChanged[job] = ch
	}
	return ch
}

// ChangedJobs returns the jobs whose runs changed (as JobChanges counts
// changes) after the point since, sorted, and the point to
// pass next time. Points count from Open; ChangedJobs(0) returns every job
// changed since, and a since at or past the current point returns no jobs
// and the current point. A follower of many runs takes a point, lists the
// runs, and then on each change looks at the changed jobs' runs alone
// (JobRuns) rather than at every run. It costs a look at each job changed
// since Open, in memory.
func (db *DB) ChangedJobs(since uint64) (jobs []string, next uint64) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if since >= db.mu.changeSeq {
		return nil, db.mu.changeSeq
	}
	for job, seq := range db.mu.jobSeq {
		if seq > since {
			jobs = append(jobs, job)
		}
	}
	slices.Sort(jobs)
	return jobs, db.mu.changeSeq
}

// ChangedRuns returns the runs of the jobs changed after the point since
// (see ChangedJobs), by job and attempt, and the point to pass next time.
func (db *DB) ChangedRuns(ctx context.Context, since uint64) ([]RunInfo, uint64, error) {
	jobs, next := db.ChangedJobs(since)
	var runs []RunInfo
	for _, job := range jobs {
		rs, err := db.JobRuns(ctx, job)
		if err != nil {
			return nil, since, err
		}
		runs = append(runs, rs...)
	}
	return runs, next, nil
}

// Follow reads a run's lines as ReadLines does for r, and calls fn with each
// page that has lines: first the lines already stored, then new lines as
// they are appended, with no line skipped or repeated. When the run has
// finished (FinishRun) and every line has been passed on, Follow calls fn
// once more with a page carrying the run's final state (Status, EndTime;
// possibly no lines) and returns nil. It also returns when ctx is done (with
// ctx's error), when the DB closes, or when fn returns an error (with it).
//
// A run that never finishes is followed until ctx is done.
func (db *DB) Follow(ctx context.Context, r ReadRequest, fn func(*Page) error) error {
	job := r.Job // "" for a cursor alone, until the first page names it
	for {
		// Take the channel before reading: a change after the read
		// closes it, so none is missed.
		var changed <-chan struct{}
		if job != "" {
			changed = db.JobChanges(job)
		} else {
			changed = db.Changes()
		}
		p, err := db.ReadLines(ctx, r)
		if err != nil {
			return err
		}
		job = p.Job
		final := p.IsEnd && p.Status.Finished()
		if len(p.Entries) > 0 || final {
			if err := fn(p); err != nil {
				return err
			}
		}
		if final {
			return nil
		}
		r = ReadRequest{Cursor: p.Cursor, Count: r.Count, Filter: r.Filter}
		if !p.IsEnd {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

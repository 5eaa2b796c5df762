package engine

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// DefaultMaxAge is how long runs are kept by default: 30 days after their
// last change, as cloud log services keep them by default.
const DefaultMaxAge = 30 * 24 * time.Hour

// Retention says how long runs are kept. A run's age is the time since its
// last append or change of state (Updated), so that historical logs loaded
// today are not dropped for the dates they carry. Pinned runs are kept
// whatever their age, and so are runs that have not finished (running, or
// waiting to start) unless IncludeRunning is set.
type Retention struct {
	// MaxAge applies to runs no rule matches. 0 means DefaultMaxAge; a
	// negative MaxAge keeps them forever.
	MaxAge time.Duration
	// Rules give other ages to the runs they match; the first that
	// matches wins.
	Rules []RetentionRule
	// IncludeRunning lets GC delete expired runs that have not finished:
	// a job that died without finishing its run leaves it running for
	// ever. Without it they are kept and counted in GCReport.KeptRunning.
	IncludeRunning bool
}

// A RetentionRule keeps the runs it matches for MaxAge (negative: forever).
// A rule matches a run whose status is one of Statuses (any if empty) and,
// if Label is set, whose label Label matches Value ('*' wildcards).
type RetentionRule struct {
	Statuses []RunStatus
	Label    string
	Value    string
	MaxAge   time.Duration
}

func (r *Retention) maxAge(info *RunInfo) time.Duration {
	for _, rule := range r.Rules {
		if rule.matches(info) {
			return rule.MaxAge
		}
	}
	if r.MaxAge == 0 {
		return DefaultMaxAge
	}
	return r.MaxAge
}

func (rule *RetentionRule) matches(info *RunInfo) bool {
	if len(rule.Statuses) > 0 {
		found := false
		for _, s := range rule.Statuses {
			found = found || s == info.Status
		}
		if !found {
			return false
		}
	}
	if rule.Label != "" {
		v, ok := info.Labels.Get(rule.Label)
		if !ok || !globMatch(rule.Value, v) {
			return false
		}
	}
	return true
}

// String returns the rule as ParseRetentionRule reads it:
// "status=failed,canceled env=prod:90d".
func (rule RetentionRule) String() string {
	var parts []string
	if len(rule.Statuses) > 0 {
		var ss []string
		for _, s := range rule.Statuses {
			ss = append(ss, s.String())
		}
		parts = append(parts, "status="+strings.Join(ss, ","))
	}
	if rule.Label != "" {
		parts = append(parts, rule.Label+"="+rule.Value)
	}
	return strings.Join(parts, " ") + ":" + FormatAge(rule.MaxAge)
}

// ParseRetentionRule reads a rule: conditions NAME=VALUE separated by
// spaces, a colon, and the age to keep the runs they match:
// "status=failed:90d", "status=success,canceled:3d", "env=dev:10d",
// "flow=etl-* status=failed:forever". A status condition lists statuses;
// any other names a label, whose value may hold '*' wildcards.
func ParseRetentionRule(s string) (RetentionRule, error) {
	var rule RetentionRule
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return rule, fmt.Errorf("retention rule %q: want CONDITION:AGE, as status=failed:90d", s)
	}
	age, err := ParseAge(s[i+1:])
	if err != nil {
		return rule, fmt.Errorf("retention rule %q: %w", s, err)
	}
	rule.MaxAge = age
	conds := strings.Fields(s[:i])
	if len(conds) == 0 {
		return rule, fmt.Errorf("retention rule %q: no condition before the age (want NAME=VALUE, as status=failed)", s)
	}
	for _, c := range conds {
		name, value, ok := strings.Cut(c, "=")
		switch {
		case !ok || name == "":
			return rule, fmt.Errorf("retention rule %q: want NAME=VALUE, not %q", s, c)
		case name == "status":
			for _, v := range strings.Split(value, ",") {
				st, ok := ParseRunStatus(v)
				if !ok {
					return rule, fmt.Errorf("retention rule %q: unknown status %q (want running, success, failed, waiting or canceled)", s, v)
				}
				rule.Statuses = append(rule.Statuses, st)
			}
		case rule.Label != "":
			return rule, fmt.Errorf("retention rule %q: one label condition per rule", s)
		default:
			rule.Label, rule.Value = name, value
		}
	}
	return rule, nil
}

// ParseAge reads a retention age: a positive Go duration ("12h", "90m"),
// days or weeks ("30d", "2w", "1.5d"), or "forever" (a negative age). An
// age of 0 is refused: in a Retention it means the default, and in words
// it would mean deleting everything.
func ParseAge(s string) (time.Duration, error) {
	if s == "forever" {
		return -1, nil
	}
	d, err := time.Duration(0), error(nil)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if num, ok := strings.CutSuffix(s, suffix); ok {
			n, perr := strconv.ParseFloat(num, 64)
			if perr != nil || n < 0 || n > float64(math.MaxInt64/unit) {
				return 0, fmt.Errorf("bad age %q (want e.g. 30d, 2w, 12h or forever)", s)
			}
			d = time.Duration(n * float64(unit))
			break
		}
	}
	if d == 0 {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad age %q (want a positive age, e.g. 30d, 2w, 12h, or forever)", s)
	}
	return d, nil
}

// FormatAge writes an age as ParseAge reads it: "30d", "12h0m0s",
// "forever".
func FormatAge(d time.Duration) string {
	switch {
	case d < 0:
		return "forever"
	case d > 0 && d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

// A GCReport says what GC deleted, or what Expired says it would delete.
type GCReport struct {
	Checked int       // runs looked at
	Deleted []RunInfo // runs deleted, as they were
	Lines   int64     // lines deleted
	Bytes   int64     // message bytes deleted
	Kept    int       // expired runs kept because they are pinned
	// KeptRunning counts the expired runs kept because they have not
	// finished (Retention.IncludeRunning was not set).
	KeptRunning int
}

func (rep *GCReport) add(info *RunInfo) {
	rep.Deleted = append(rep.Deleted, *info)
	rep.Lines += info.Lines
	rep.Bytes += info.Bytes
}

// Expired reports what GC would delete now, deleting nothing: the runs
// that r says have expired, and how many expired runs are kept because
// they are pinned or have not finished. A nil r means the DB's
// Options.Retention.
func (db *DB) Expired(ctx context.Context, r *Retention) (GCReport, error) {
	if r == nil {
		r = db.opts.Retention
	}
	var rep GCReport
	runs, err := db.Runs(ctx)
	if err != nil {
		return rep, err
	}
	rep.Checked = len(runs)
	t := now()
	for i := range runs {
		switch {
		case !r.expired(&runs[i], t):
		case runs[i].Pinned:
			rep.Kept++
		case !r.deletesUnfinished(&runs[i]):
			rep.KeptRunning++
		default:
			rep.add(&runs[i])
		}
	}
	return rep, nil
}

// expired reports whether a run's age exceeds its maximum at time t.
func (r *Retention) expired(info *RunInfo, t int64) bool {
	age := r.maxAge(info)
	return age >= 0 && time.Duration(t-lastChange(info)) > age
}

// deletesUnfinished reports whether r lets GC delete the run, as far as
// its being finished goes: a run still running or waiting is deleted only
// with IncludeRunning.
func (r *Retention) deletesUnfinished(info *RunInfo) bool {
	return r.IncludeRunning || info.Status.Finished()
}

// GC deletes the runs that r says have expired, from the store and the
// full-text index together (the index learns of each deleted block through
// the change log), and returns what it did. A nil r means the DB's
// Options.Retention. A run that changed since it was judged is judged again
// before it is deleted.
func (db *DB) GC(ctx context.Context, r *Retention) (GCReport, error) {
	if err := db.writable(); err != nil {
		return GCReport{}, err
	}
	if r == nil {
		r = db.opts.Retention
	}
	plan, err := db.Expired(ctx, r)
	if err != nil {
		return GCReport{}, err
	}
	rep := GCReport{Checked: plan.Checked, Kept: plan.Kept, KeptRunning: plan.KeptRunning}
	for i := range plan.Deleted {
		info := &plan.Deleted[i]
		deleted, err := db.deleteRun(ctx, info.Job, info.Attempt, func(cur *runRecord) bool {
			c := cur.info()
			return !c.Pinned && r.deletesUnfinished(&c) && r.expired(&c, now())
		})
		if err != nil {
			return rep, fmt.Errorf("cannot delete run %s/%d: %w", info.Job, info.Attempt, err)
		}
		if deleted {
			rep.add(info)
		}
	}
	if len(rep.Deleted) > 0 {
		// The deleted blocks leave the index before GC returns, so that
		// a process that exits next leaves no index lag behind.
		if err := db.WaitIndexed(ctx); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// lastChange is when a run last changed, as far as its record tells.
func lastChange(info *RunInfo) int64 {
	return max(info.Updated, info.Created, info.Ended)
}

// DeleteRun deletes a run, its lines and its index documents.
func (db *DB) DeleteRun(ctx context.Context, job string, attempt int) error {
	if err := db.writable(); err != nil {
		return err
	}
	var id uint64
	err := db.bdb.View(func(txn *badger.Txn) error {
		var err error
		id, err = db.resolveRun(txn, job, attempt)
		if err != nil {
			return err
		}
		rec, err := getRunRecord(txn, id)
		attempt = rec.attempt
		return err
	})
	if err != nil {
		return err
	}
	if _, err = db.deleteRun(ctx, job, attempt, nil); err != nil {
		return err
	}
	return db.WaitIndexed(ctx)
}

// deleteRun deletes run job/attempt if still, checked under the write
// lock, ok(record) (or always, if ok is nil). Blocks go first, a batch at a
// time, the run's record last: a crash in between leaves a run with fewer
// blocks, which the next GC deletes.
func (db *DB) deleteRun(ctx context.Context, job string, attempt int, ok func(*runRecord) bool) (bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		return false, ErrClosed
	}
	wb := db.newWriteBatch()
	defer wb.discard()
	rs, err := wb.run(runName{job, attempt}, false)
	if err != nil || rs == nil {
		return false, err
	}
	if ok != nil && !ok(&rs.rec) {
		return false, nil
	}
	var ids []blockID
	var sums []summary
	err = db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: runKey(pfxSummary, rs.id), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			_, first, _ := parseBlockKey(it.Item().Key())
			s, err := itemSummary(it.Item())
			if isDamage(err) {
				// Deleting a damaged run must work: the block may be
				// indexed, so its deletion is logged as a sealed one's.
				s, err = summary{sealed: true}, nil
			}
			if err != nil {
				return err
			}
			ids = append(ids, blockID{rs.id, first})
			sums = append(sums, s)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		ops := []op{
			{key: blockKey(pfxBlock, id.run, id.first), del: true},
			{key: blockKey(pfxSummary, id.run, id.first), del: true},
			{key: damageKey(id), del: true},
			{key: blockKey(pfxFilter, id.run, id.first), del: true},
		}
		if sums[i].sealed {
			seq := db.mu.nextSeq
			db.mu.nextSeq++
			ops = append(ops, op{key: changeKey(seq), val: changeValue(opDelete, id)})
		}
		if err := wb.add(ops, nil); err != nil {
			return false, err
		}
	}
	err = wb.add([]op{
		{key: runKey(pfxRun, rs.id), del: true},
		{key: runKey(pfxTail, rs.id), del: true},
		{key: jobKey(job, attempt), del: true},
	}, nil)
	if err != nil {
		return false, err
	}
	wb.change(job)
	if err := wb.commit(); err != nil {
		return false, err
	}
	name := runName{job, attempt}
	delete(db.mu.runs, name)
	delete(db.mu.byID, rs.id)
	delete(db.mu.tails, rs.id)
	delete(db.mu.latest, job)
	db.names.Delete(rs.id)
	db.blocks.dropRun(rs.id)
	return true, nil
}

// gcRetention runs GC in the background every Options.GCInterval.
func (db *DB) gcRetention() {
	rep, err := db.GC(db.ctx, nil)
	switch {
	case err != nil && db.ctx.Err() == nil:
		db.logger().Error("retention", "err", err)
	case len(rep.Deleted) > 0:
		db.logger().Info("retention deleted expired runs", "runs", len(rep.Deleted), "lines", rep.Lines, "bytes", rep.Bytes, "kept_running", rep.KeptRunning)
	}
}

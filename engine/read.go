package engine

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/dgraph-io/badger/v4"
)

// A ReadRequest selects a range of one run's lines, like the task-instance
// log API (GetInstanceLog): a run, a start line, a count and a filter.
type ReadRequest struct {
	// Job and Attempt name the run. Attempt may be Latest or negative,
	// counting back from the latest attempt.
	Job     string
	Attempt int

	// From is the first line number to return. Default 1.
	From int64

	// Count is the most lines to return. Default 10000.
	Count int

	// Filter, if not nil, drops lines it does not match; they do not count
	// towards Count. Typically a LevelFilter.
	Filter Filter

	// Cursor, if not empty, continues where an earlier Page ended: it
	// replaces Job, Attempt and From.
	Cursor string
}

// DefaultReadCount is the number of lines ReadLines returns when
// ReadRequest.Count is 0, as in GetInstanceLog.
const DefaultReadCount = 10000

// A Page is the answer to a ReadRequest.
type Page struct {
	// Entries are the lines read, in line order.
	Entries []Entry

	// Job and Attempt name the run read, with Attempt resolved.
	Job     string
	Attempt int

	// LineCount is the number of lines in the run when it was read.
	LineCount int64

	// Bytes is the total size of the run's messages, counting one newline
	// per line, like the size of a log file.
	Bytes int64

	// FirstTime and LastTime are the earliest and latest event times of
	// the run's lines (Unix ns), 0 if it has none.
	FirstTime, LastTime int64

	// Status is the run's state when read; EndTime when it finished (Unix
	// ns), 0 while running.
	Status  RunStatus
	EndTime int64

	// IsEnd reports whether the page reached the last line of the run as it
	// was when read.
	IsEnd bool

	// Cursor continues after the last line examined. It stays valid while
	// the run grows: reading with it later returns lines appended since,
	// never skipping or repeating one.
	Cursor string
}

// ReadLines returns up to r.Count lines of one run with line numbers from
// r.From on that pass r.Filter. It returns an error wrapping ErrRunNotFound
// if the run does not exist, ErrBadCursor for a bad cursor.
//
// If some of the lines cannot be read (a damaged block), ReadLines returns
// the page of the lines it could read, with its cursor past the damage,
// together with a *DamageError naming the lines it left out.
func (db *DB) ReadLines(ctx context.Context, r ReadRequest) (*Page, error) {
	if r.Count < 0 || r.From < 0 {
		return nil, fmt.Errorf("engine: read: negative count or start line")
	}
	if r.Count == 0 {
		r.Count = DefaultReadCount
	}
	if r.From == 0 {
		r.From = 1
	}
	p, err := compile(r.Filter)
	if err != nil {
		return nil, err
	}
	db.useIndex(p)
	if err := db.checkOpen(); err != nil {
		return nil, err
	}
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()

	var id uint64
	if r.Cursor != "" {
		if id, r.From, err = db.parseCursor(r.Cursor); err != nil {
			return nil, err
		}
	} else if id, err = db.resolveRun(txn, r.Job, r.Attempt); err != nil {
		return nil, err
	}
	rec, err := getRunRecord(txn, id)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("%w: cursor names a run that no longer exists", ErrBadCursor)
	}
	if err != nil {
		return nil, err
	}
	name := runName{rec.job, rec.attempt}
	page := &Page{
		Job: rec.job, Attempt: rec.attempt, LineCount: rec.lines, Bytes: rec.bytes,
		FirstTime: rec.firstT, LastTime: rec.lastT, Status: rec.status, EndTime: rec.ended,
	}
	latest := db.latestAttempts(txn)
	next := r.From // the next line to examine

	// Seek to the last block starting at or before From, then read on.
	it := txn.NewIterator(badger.IteratorOptions{Prefix: runKey(pfxSummary, id), Reverse: true})
	var start []byte
	if it.Seek(blockKey(pfxSummary, id, r.From)); it.Valid() {
		start = it.Item().KeyCopy(nil)
	}
	it.Close()
	if start == nil {
		start = blockKey(pfxSummary, id, 0)
	}
	it = txn.NewIterator(badger.IteratorOptions{Prefix: runKey(pfxSummary, id), PrefetchValues: true, PrefetchSize: 16})
	defer it.Close()
	// Damage: a block that cannot be read is reported by its line range
	// and skipped, and so is a range no block covers; the lines before
	// and after are returned.
	var damage damageSet
	lost := func(first, last int64, cause string) {
		first, last = max(first, next), min(last, rec.lines)
		if first <= last {
			damage.add(DamagedRange{Job: rec.job, Attempt: rec.attempt, First: first, Last: last, Cause: cause})
			next = last + 1
		}
	}
	badSummary := "" // the cause, while the block before had a damaged summary
	for it.Seek(start); it.Valid() && len(page.Entries) < r.Count; it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, first, _ := parseBlockKey(it.Item().Key())
		if badSummary != "" {
			lost(next, first-1, badSummary)
			badSummary = ""
		}
		if first > next {
			lost(next, first-1, "no block holds them")
		}
		s, err := itemSummary(it.Item())
		if isDamage(err) {
			// The line count is in the summary: the next block's first
			// line bounds the damage.
			next, badSummary = max(next, first), "summary "+damageCause(err)
			continue
		}
		if err != nil {
			return nil, err
		}
		last := first + int64(s.count) - 1
		if last < next {
			continue
		}
		if p.skip(first, &s) {
			next = last + 1
			continue
		}
		b, err := db.readBlock(txn, blockID{id, first}, &s)
		if isDamage(err) {
			db.recordDamage(blockID{id, first}, s.count, damageCause(err))
			lost(first, last, damageCause(err))
			continue
		}
		if err != nil {
			return nil, err
		}
		sub := *p
		sub.lineMin = max(p.lineMin, next)
		full := false
		err = sub.scan(b, name, latest, func(e *Entry) {
			if full {
				return
			}
			page.Entries = append(page.Entries, *e)
			next = e.Line + 1
			full = len(page.Entries) == r.Count
		})
		if err != nil {
			return nil, err
		}
		if !full {
			next = last + 1
		}
	}
	if badSummary != "" {
		lost(next, rec.lines, badSummary)
	}
	if len(page.Entries) < r.Count {
		lost(next, rec.lines, "no block holds them")
	}
	page.IsEnd = next > rec.lines
	page.Cursor = db.makeCursor(id, next)
	return page, damage.err()
}

func itemSummary(item *badger.Item) (summary, error) {
	var s summary
	err := item.Value(func(v []byte) error {
		var err error
		s, err = decodeSummary(v)
		return err
	})
	return s, err
}

// resolveRun returns the run ID of job's attempt, resolving Latest and
// negative attempts.
func (db *DB) resolveRun(txn *badger.Txn, job string, attempt int) (uint64, error) {
	if attempt < 0 {
		runs, err := db.attemptsOf(txn, job)
		if err != nil {
			return 0, err
		}
		if len(runs) == 0 {
			return 0, fmt.Errorf("%w: job %q has no runs", ErrRunNotFound, job)
		}
		latest := runs[len(runs)-1].attempt
		want := latest
		if attempt != Latest {
			want = latest + attempt
		}
		for _, r := range runs {
			if r.attempt == want {
				return r.id, nil
			}
		}
		return 0, fmt.Errorf("%w: job %q has no attempt %s (latest is %d)", ErrRunNotFound, job, attemptString(attempt), latest)
	}
	item, err := txn.Get(jobKey(job, attempt))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, fmt.Errorf("%w: job %q attempt %d", ErrRunNotFound, job, attempt)
	}
	if err != nil {
		return 0, err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return 0, err
	}
	return decodeRunID(v)
}

// A cursor is base64url of: version(1) storeID(8) runID(uvarint)
// nextLine(uvarint). The store ID makes a cursor from another store fail
// instead of reading an unrelated run.
const cursorVersion = 1

func (db *DB) makeCursor(run uint64, next int64) string {
	b := make([]byte, 0, 24)
	b = append(b, cursorVersion)
	b = binary.BigEndian.AppendUint64(b, db.id)
	b = binary.AppendUvarint(b, run)
	b = binary.AppendUvarint(b, uint64(next))
	return base64.RawURLEncoding.EncodeToString(b)
}

func (db *DB) parseCursor(s string) (run uint64, next int64, err error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 9 || b[0] != cursorVersion {
		return 0, 0, fmt.Errorf("%w: %q", ErrBadCursor, s)
	}
	if binary.BigEndian.Uint64(b[1:9]) != db.id {
		return 0, 0, fmt.Errorf("%w: the cursor belongs to another store", ErrBadCursor)
	}
	r := reader{b: b[9:]}
	run = r.uvarint()
	n := r.uvarint()
	if r.err != nil || len(r.b) != 0 || n == 0 || n > math.MaxInt64 {
		return 0, 0, fmt.Errorf("%w: %q", ErrBadCursor, s)
	}
	return run, int64(n), nil
}

package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// A DamagedRange is a range of one run's lines that cannot be read: its
// block fails its checksum, cannot be decoded, or is missing.
type DamagedRange struct {
	Job         string
	Attempt     int
	First, Last int64  // line numbers, inclusive
	Cause       string // what is wrong, for people
}

func (r DamagedRange) String() string {
	lines := fmt.Sprintf("lines %d-%d", r.First, r.Last)
	if r.First == r.Last {
		lines = fmt.Sprintf("line %d", r.First)
	}
	return fmt.Sprintf("%s of %s/%d (%s)", lines, r.Job, r.Attempt, r.Cause)
}

// A DamageError reports lines that could not be read. Reads and queries
// that meet damage return every intact line and then a *DamageError naming
// what they left out; it wraps ErrDamaged. Damage is never repaired or
// hidden: a damaged block is not decoded into other lines.
type DamageError struct {
	Ranges []DamagedRange
}

func (e *DamageError) Error() string {
	var b strings.Builder
	b.WriteString("damaged store: ")
	for i, r := range e.Ranges {
		if i == 3 {
			fmt.Fprintf(&b, " and %d more ranges", len(e.Ranges)-3)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.String())
		if i == 0 {
			b.WriteString(" cannot be read")
		}
	}
	b.WriteString("; " + damageHint)
	return b.String()
}

func (e *DamageError) Unwrap() error { return ErrDamaged }

// Lines returns the number of lines in e's ranges.
func (e *DamageError) Lines() int64 {
	n := int64(0)
	for _, r := range e.Ranges {
		n += r.Last - r.First + 1
	}
	return n
}

// damageSet gathers the damage one read or query meets.
type damageSet struct {
	ranges []DamagedRange
}

func (d *damageSet) add(r DamagedRange) {
	d.ranges = append(d.ranges, r)
}

// err returns a *DamageError for the ranges gathered, merged and in order,
// or nil.
func (d *damageSet) err() error {
	if len(d.ranges) == 0 {
		return nil
	}
	rs := d.ranges
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Job != b.Job {
			return a.Job < b.Job
		}
		if a.Attempt != b.Attempt {
			return a.Attempt < b.Attempt
		}
		return a.First < b.First
	})
	out := rs[:1]
	for _, r := range rs[1:] {
		l := &out[len(out)-1]
		if r.Job == l.Job && r.Attempt == l.Attempt && r.First <= l.Last+1 {
			l.Last = max(l.Last, r.Last)
			continue
		}
		out = append(out, r)
	}
	return &DamageError{Ranges: out}
}

// isDamage reports whether err from reading a block means the block is
// damaged (as opposed to the read being cancelled or the DB closed).
func isDamage(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) &&
		!errors.Is(err, ErrClosed) && !errors.Is(err, badger.ErrDBClosed)
}

// damageCause renders a block read error for a DamagedRange.
func damageCause(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "corrupt block: "); i >= 0 {
		return s[i+len("corrupt block: "):]
	}
	return s
}

// Known damage is recorded under 'D' runID(8) firstLine(8) → lines(uvarint)
// cause, so that the indexer can move past a damaged block without hiding
// it: queries that use the index read the recorded blocks too (and so
// report them), and counts leave their lines out and say so.

func damageKey(id blockID) []byte { return blockKey(pfxDamage, id.run, id.first) }

// recordDamage notes that block id, of count lines, is damaged. It is best
// effort: a store that cannot be written still reports the damage on every
// read.
func (db *DB) recordDamage(id blockID, count int, cause string) {
	if db.opts.ReadOnly {
		return
	}
	v := binary.AppendUvarint(nil, uint64(count))
	v = append(v, cause...)
	err := db.bdb.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(damageKey(id)); err == nil {
			return nil
		}
		return txn.Set(damageKey(id), v)
	})
	if err != nil && !db.closing.Load() {
		db.logger().Warn("cannot record damaged block", "run", id.run, "first", id.first, "err", err)
	}
}

// knownDamage returns the damaged blocks recorded in txn's snapshot, with
// their line counts.
func knownDamage(txn *badger.Txn) (map[blockID]int, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxDamage}, PrefetchValues: true})
	defer it.Close()
	var out map[blockID]int
	for it.Rewind(); it.Valid(); it.Next() {
		run, first, ok := parseBlockKey(it.Item().Key())
		if !ok {
			return nil, fmt.Errorf("%w: bad damage key", errCorrupt)
		}
		var n uint64
		if err := it.Item().Value(func(v []byte) error {
			n, _ = binary.Uvarint(v)
			return nil
		}); err != nil {
			return nil, err
		}
		if out == nil {
			out = map[blockID]int{}
		}
		out[blockID{run, first}] = int(n)
	}
	return out, nil
}

package engine

import (
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// A runRecord is the stored state of a run under its 'R' key:
//
//	record = version(1) len(job) job attempt created lines bytes firstT lastT levels[NumLevels]
//	         status ended exitCode len(exitMsg) exitMsg
//	         len(kind) kind triggered started duration memory updated pinned labels
//
// lengths, attempt, lines, bytes, levels, status, memory and pinned as
// uvarints; created, firstT, lastT, ended, exitCode, triggered, started,
// duration and updated as varints; labels as in a codec 0 block's label set
// (strings: kinds are not kept). Fields
// added later go at the end; a decoder reads those that are present (a
// record without the status fields is a running run).
type runRecord struct {
	job     string
	attempt int
	created int64 // wall time of the first append, Unix ns
	lines   int64 // lines in the run; the next line gets lines+1
	bytes   int64 // message bytes plus one newline per line
	firstT  int64 // earliest event time
	lastT   int64 // latest event time
	levels  [NumLevels]int64
	status  RunStatus
	ended   int64 // when the run finished, Unix ns; 0 while running
	exit    int64 // exit code
	exitMsg string

	kind      string // flow, scheduled, api, function …
	triggered int64  // when the run was triggered, Unix ns; 0 unknown
	started   int64  // when it started, Unix ns; 0 unknown
	duration  int64  // ns; 0 means ended - started
	memory    int64  // peak memory, bytes
	updated   int64  // wall time of the last append or change, Unix ns
	pinned    bool   // exempt from retention
	labels    Labels // the run's labels
}

const runVersion = 1

func (r *runRecord) encode() []byte {
	b := make([]byte, 0, 48+len(r.job))
	b = append(b, runVersion)
	b = binary.AppendUvarint(b, uint64(len(r.job)))
	b = append(b, r.job...)
	b = binary.AppendUvarint(b, uint64(r.attempt))
	b = binary.AppendVarint(b, r.created)
	b = binary.AppendUvarint(b, uint64(r.lines))
	b = binary.AppendUvarint(b, uint64(r.bytes))
	b = binary.AppendVarint(b, r.firstT)
	b = binary.AppendVarint(b, r.lastT)
	for _, n := range r.levels {
		b = binary.AppendUvarint(b, uint64(n))
	}
	b = binary.AppendUvarint(b, uint64(r.status))
	b = binary.AppendVarint(b, r.ended)
	b = binary.AppendVarint(b, r.exit)
	b = binary.AppendUvarint(b, uint64(len(r.exitMsg)))
	b = append(b, r.exitMsg...)
	b = binary.AppendUvarint(b, uint64(len(r.kind)))
	b = append(b, r.kind...)
	b = binary.AppendVarint(b, r.triggered)
	b = binary.AppendVarint(b, r.started)
	b = binary.AppendVarint(b, r.duration)
	b = binary.AppendUvarint(b, uint64(r.memory))
	b = binary.AppendVarint(b, r.updated)
	pinned := uint64(0)
	if r.pinned {
		pinned = 1
	}
	b = binary.AppendUvarint(b, pinned)
	return appendLabels(b, r.labels, false)
}

func decodeRunRecord(v []byte) (runRecord, error) {
	var r runRecord
	if len(v) < 1 || v[0] != runVersion {
		return r, fmt.Errorf("%w: bad run record", errCorrupt)
	}
	d := reader{b: v[1:]}
	r.job = string(d.bytes(int(d.uvarint())))
	r.attempt = int(d.uvarint())
	r.created = d.varint()
	r.lines = int64(d.uvarint())
	r.bytes = int64(d.uvarint())
	r.firstT = d.varint()
	r.lastT = d.varint()
	for i := range r.levels {
		r.levels[i] = int64(d.uvarint())
	}
	if d.err == nil && len(d.b) > 0 {
		r.status = RunStatus(d.uvarint())
		r.ended = d.varint()
		r.exit = d.varint()
		r.exitMsg = string(d.bytes(int(d.uvarint())))
	}
	if d.err == nil && len(d.b) > 0 {
		r.kind = string(d.bytes(int(d.uvarint())))
		r.triggered = d.varint()
		r.started = d.varint()
		r.duration = d.varint()
		r.memory = int64(d.uvarint())
		r.updated = d.varint()
		r.pinned = d.uvarint() == 1
		n := int(d.uvarint())
		if n > len(d.b) {
			return r, fmt.Errorf("%w: bad run record", errCorrupt)
		}
		if n > 0 {
			r.labels = make(Labels, n)
			for i := range r.labels {
				r.labels[i].Name = string(d.bytes(int(d.uvarint())))
				r.labels[i].Value = string(d.bytes(int(d.uvarint())))
			}
		}
	}
	if d.err != nil {
		return r, fmt.Errorf("%w: bad run record", errCorrupt)
	}
	return r, nil
}

// addSummary accounts for the lines of a new block or chunk.
func (r *runRecord) addSummary(s *summary) {
	if r.lines == 0 || s.minT < r.firstT {
		r.firstT = s.minT
	}
	if r.lines == 0 || s.maxT > r.lastT {
		r.lastT = s.maxT
	}
	r.lines += int64(s.count)
	r.bytes += s.bytes
	for i, n := range s.levels {
		r.levels[i] += int64(n)
	}
}

// A chunk is an unsealed block of a run's tail.
type chunk struct {
	first int64
	count int
	bytes int64
}

// runState is the in-memory state of a run that has been written to since
// the DB was opened, or that has an unsealed tail.
type runState struct {
	id   uint64
	rec  runRecord
	tail []chunk // unsealed chunks in line order
	// lastAppend is the wall time of the last append (Unix ns), or of Open
	// for tails found on disk. The sealer seals tails idle for SealAfter.
	lastAppend int64
	// isNew marks a run created by the current write batch; its job key
	// is written with its first lines.
	isNew bool
}

// maxResidentRuns bounds the runs the engine keeps in memory. A run with
// an unsealed tail always stays; the others are only a cache of their
// records, loaded again (one lookup and a summary or two) when lines come
// for them. Unbounded, a 100M-line load kept all its 95,000 runs: the
// garbage collector marked them on every cycle, and past 40M lines it
// took half the CPU.
const maxResidentRuns = 4096

// evictRuns forgets runs without a tail until half of maxResidentRuns are
// left. db.mu must be held. A write batch that holds one of them goes on
// with its copy and puts it back when it commits.
func (db *DB) evictRuns() {
	for name, rs := range db.mu.runs {
		if len(db.mu.runs) <= maxResidentRuns/2 {
			return
		}
		if len(rs.tail) > 0 {
			continue // in db.mu.tails, which the sealer works through
		}
		delete(db.mu.runs, name)
		delete(db.mu.byID, rs.id)
	}
}

func (rs *runState) clone() *runState {
	c := *rs
	c.tail = append([]chunk(nil), rs.tail...)
	return &c
}

func (rs *runState) tailLines() (n int, bytes int64) {
	for _, c := range rs.tail {
		n += c.count
		bytes += c.bytes
	}
	return n, bytes
}

// runName is what queries need to know of a run.
type runName struct {
	job     string
	attempt int
}

// namesPreload is the number of run names looked up one by one before
// loadNames reads them all: a count by job over a 100M-line store (95k
// runs) spent 380 of its 880 ms reading run records one at a time.
const namesPreload = 1024

// loadNames caches the names of every run, read from the job keys in one
// pass. A key or value it cannot read is left to runName, which reports
// it when a query needs that run.
func (db *DB) loadNames(txn *badger.Txn) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxJob}, PrefetchValues: true, PrefetchSize: 256})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		job, attempt, ok := parseJobKey(it.Item().Key())
		if !ok {
			continue
		}
		_ = it.Item().Value(func(v []byte) error {
			if id, err := decodeRunID(v); err == nil {
				db.names.LoadOrStore(id, runName{job, attempt})
			}
			return nil
		})
	}
}

// runName returns the name of run id, reading its record through txn the
// first time.
func (db *DB) runName(txn *badger.Txn, id uint64) (runName, error) {
	if n, ok := db.names.Load(id); ok {
		return n.(runName), nil
	}
	if db.nameMisses.Add(1) == namesPreload {
		db.loadNames(txn)
		if n, ok := db.names.Load(id); ok {
			return n.(runName), nil
		}
	}
	rec, err := getRunRecord(txn, id)
	if err != nil {
		return runName{}, err
	}
	n := runName{rec.job, rec.attempt}
	db.names.Store(id, n)
	return n, nil
}

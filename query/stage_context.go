package query

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/logdb/logdb/engine"
)

// contextPage is how many lines the context stage reads per ReadLines call.
const contextPage = 1000

// contextStage implements "context N": each hit comes with up to N lines of
// its run before and after it, read with Source.ReadLines, as grep -C N
// prints them. Consecutive hits of the same run whose windows overlap or
// touch form one group, printed once in line order with the hits marked
// (Row.Context is false for hits, true for the lines around them); a
// SeparatorRow comes between two groups. Hits of one run that arrive
// apart (other runs' hits between them) form separate groups, so a line
// may show up in two groups.
//
// The stage reads a group's hits before its lines: memory grows with the
// number of hits in one group (hitBytes each) and one page of lines. It
// accounts both against the query's memory budget and fails with a
// *MemoryError when they do not fit.
type contextStage struct {
	in   stage
	src  Source
	pipe *ContextPipe
	n    int64
	mem  *memBudget
	held struct{ hits, page int64 } // bytes accounted

	// The group being collected or emitted.
	job      string
	attempt  int
	lo, hi   int64 // window, lo >= 1
	hits     map[int64]bool
	have     bool // a group is collected
	emitted  bool // a group has been emitted before: a separator is due
	pending  *engine.Entry
	inDone   bool
	emitting bool
	readFrom int64 // next line of the group to read
	sepDue   bool

	page []engine.Entry
	pos  int
	cur  Row
	e    error
}

func newContextStage(in stage, src Source, pipe *ContextPipe, mem *memBudget) *contextStage {
	return &contextStage{in: in, src: src, pipe: pipe, n: int64(pipe.N), mem: mem, hits: map[int64]bool{}}
}

// hitBytes is the heap one hit takes in the map of a group's hits: a
// 16-byte slot and its control byte, at the map's load factor between two
// doublings.
const hitBytes = 40

// addHit adds line to the hits of the group.
func (s *contextStage) addHit(line int64) error {
	if s.hits[line] {
		return nil
	}
	if !s.mem.grow(hitBytes) {
		return s.mem.err(s.pipe, held(len(s.hits), "hits in one group"))
	}
	s.held.hits += hitBytes
	s.hits[line] = true
	return nil
}

// clearHits empties the hits of the group.
func (s *contextStage) clearHits() {
	clear(s.hits)
	s.mem.shrink(s.held.hits)
	s.held.hits = 0
}

// setPage makes es the page of lines being emitted, accounting its size in
// place of the previous page's. It reports whether es fits.
func (s *contextStage) setPage(es []engine.Entry) bool {
	s.mem.shrink(s.held.page)
	s.page, s.held.page = nil, 0
	size := int64(len(es)) * sizeofEntry
	for i := range es {
		size += int64(len(es[i].Message))
	}
	if !s.mem.grow(size) {
		s.e = s.mem.err(s.pipe, held(len(es), "lines in a page"))
		return false
	}
	s.page, s.held.page = es, size
	return true
}

// window returns the lines of a hit's window.
func (s *contextStage) window(line int64) (lo, hi int64) {
	return max(line-s.n, 1), line + s.n
}

// start begins a group with hit e.
func (s *contextStage) start(e *engine.Entry) error {
	s.job, s.attempt = strings.Clone(e.Job), e.Attempt
	s.lo, s.hi = s.window(e.Line)
	s.clearHits()
	s.have = true
	return s.addHit(e.Line)
}

// joins reports whether hit e belongs to the current group.
func (s *contextStage) joins(e *engine.Entry) bool {
	lo, hi := s.window(e.Line)
	return e.Job == s.job && e.Attempt == s.attempt && lo <= s.hi+1 && hi >= s.lo-1
}

// collect reads hits until the current group is complete. It reports
// whether there is a group to emit.
func (s *contextStage) collect(ctx context.Context) bool {
	if s.pending != nil {
		if s.e = s.start(s.pending); s.e != nil {
			return false
		}
		s.pending = nil
	}
	for n := 1; !s.inDone; n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				s.e = err
				return false
			}
		}
		if !s.in.next(ctx) {
			s.inDone = true
			if err := s.in.err(); err != nil {
				s.e = err
				return false
			}
			break
		}
		r := s.in.row()
		if r.Kind != EntryRow {
			continue
		}
		e := r.Entry
		switch {
		case !s.have:
			s.e = s.start(e)
		case s.joins(e):
			lo, hi := s.window(e.Line)
			s.lo, s.hi = min(s.lo, lo), max(s.hi, hi)
			s.e = s.addHit(e.Line)
		default:
			c := cloneEntry(e)
			s.pending = &c
			return true
		}
		if s.e != nil {
			return false
		}
	}
	return s.have
}

// readPage reads the next page of the group being emitted. It reports
// whether it got any lines.
func (s *contextStage) readPage(ctx context.Context) bool {
	if s.readFrom > s.hi {
		return false
	}
	count := min(s.hi-s.readFrom+1, contextPage)
	p, err := s.src.ReadLines(ctx, engine.ReadRequest{Job: s.job, Attempt: s.attempt, From: s.readFrom, Count: int(count)})
	if errors.Is(err, engine.ErrRunNotFound) {
		// Retention removed the run while the query ran: its hits go too.
		return false
	}
	if err != nil {
		s.e = fmt.Errorf("cannot read context of %s/%d: %w", s.job, s.attempt, err)
		return false
	}
	es := p.Entries
	for len(es) > 0 && es[len(es)-1].Line > s.hi {
		es = es[:len(es)-1]
	}
	if len(es) == 0 || !s.setPage(es) {
		return false
	}
	s.pos = -1
	s.readFrom = s.page[len(s.page)-1].Line + 1
	if p.IsEnd {
		s.readFrom = s.hi + 1
	}
	return true
}

func (s *contextStage) next(ctx context.Context) bool {
	for s.e == nil {
		if s.emitting {
			if s.sepDue {
				s.sepDue = false
				s.cur = Row{Kind: SeparatorRow}
				return true
			}
			if s.pos+1 < len(s.page) || s.readPage(ctx) {
				s.pos++
				e := &s.page[s.pos]
				s.cur = Row{Kind: EntryRow, Entry: e, Context: !s.hits[e.Line]}
				return true
			}
			if s.e != nil {
				return false
			}
			s.emitting, s.have = false, false
			s.setPage(nil)
			continue
		}
		if err := ctx.Err(); err != nil {
			s.e = err
			return false
		}
		if !s.collect(ctx) {
			return false
		}
		s.emitting = true
		s.sepDue = s.emitted
		s.emitted = true
		s.readFrom = s.lo
		s.setPage(nil)
		s.pos = -1
	}
	return false
}

func (s *contextStage) row() *Row  { return &s.cur }
func (s *contextStage) err() error { return s.e }
func (s *contextStage) close() error {
	s.setPage(nil)
	s.clearHits()
	return s.in.close()
}

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
// number of hits in one group (8 bytes each) and one page of lines.
type contextStage struct {
	in  stage
	src Source
	n   int64

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

func newContextStage(in stage, src Source, n int) *contextStage {
	return &contextStage{in: in, src: src, n: int64(n), hits: map[int64]bool{}}
}

// window returns the lines of a hit's window.
func (s *contextStage) window(line int64) (lo, hi int64) {
	return max(line-s.n, 1), line + s.n
}

// start begins a group with hit e.
func (s *contextStage) start(e *engine.Entry) {
	s.job, s.attempt = strings.Clone(e.Job), e.Attempt
	s.lo, s.hi = s.window(e.Line)
	clear(s.hits)
	s.hits[e.Line] = true
	s.have = true
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
		s.start(s.pending)
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
			s.start(e)
		case s.joins(e):
			lo, hi := s.window(e.Line)
			s.lo, s.hi = min(s.lo, lo), max(s.hi, hi)
			s.hits[e.Line] = true
		default:
			c := cloneEntry(e)
			s.pending = &c
			return true
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
	s.page, s.pos = p.Entries, -1
	for len(s.page) > 0 && s.page[len(s.page)-1].Line > s.hi {
		s.page = s.page[:len(s.page)-1]
	}
	if len(s.page) == 0 {
		return false
	}
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
			s.page = nil
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
		s.page, s.pos = nil, -1
	}
	return false
}

func (s *contextStage) row() *Row    { return &s.cur }
func (s *contextStage) err() error   { return s.e }
func (s *contextStage) close() error { s.page = nil; return s.in.close() }

package query

import "context"

// sourceStage turns the engine's entries into rows. The engine iterator
// checks the context itself.
type sourceStage struct {
	it  entryIterator
	cur Row
}

func newSourceStage(it entryIterator) *sourceStage {
	return &sourceStage{it: it, cur: Row{Kind: EntryRow}}
}

func (s *sourceStage) next(ctx context.Context) bool {
	if !s.it.Next() {
		return false
	}
	s.cur.Entry = s.it.Entry()
	return true
}

func (s *sourceStage) row() *Row    { return &s.cur }
func (s *sourceStage) err() error   { return s.it.Err() }
func (s *sourceStage) close() error { return s.it.Close() }

package query

import "context"

// limitStage implements "offset" and "limit": it drops the first skip rows,
// then passes at most take rows (all if take < 0). Once it has passed take
// rows it stops without reading further.
type limitStage struct {
	in         stage
	skip, take int
	e          error
}

func newLimitStage(in stage, skip, take int) *limitStage {
	return &limitStage{in: in, skip: skip, take: take}
}

func (s *limitStage) next(ctx context.Context) bool {
	if s.take == 0 {
		return false
	}
	for ; s.skip > 0; s.skip-- {
		if !s.in.next(ctx) {
			return false
		}
		if s.skip%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				s.e = err
				return false
			}
		}
	}
	if !s.in.next(ctx) {
		return false
	}
	if s.take > 0 {
		s.take--
	}
	return true
}

func (s *limitStage) row() *Row { return s.in.row() }

func (s *limitStage) err() error {
	if s.e != nil {
		return s.e
	}
	return s.in.err()
}

func (s *limitStage) close() error { return s.in.close() }

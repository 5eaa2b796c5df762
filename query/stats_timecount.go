package query

import (
	"context"
	"errors"
	"time"

	"github.com/logdb/logdb/engine"
)

// A TimeCounter counts the entries matching a filter per run, time bucket
// and level, reading only their times and levels. *engine.DB is one;
// Plan.Run uses it for a query whose first pipe is a stats of count()
// alone by one time bucket and any of level, job and attempt (a histogram
// of the lines), which then needs no line's message.
type TimeCounter interface {
	CountByTime(ctx context.Context, f engine.Filter, newBucket func() func(t int64) int64) ([]engine.TimeCount, error)
}

// timeCounted reports whether stats pipe sp is one a TimeCounter answers.
func timeCounted(sp *StatsPipe) bool {
	if len(sp.Funcs) != 1 || sp.Funcs[0].Name != "count" || sp.Funcs[0].Field != "" {
		return false
	}
	buckets := 0
	for _, b := range sp.By {
		switch {
		case b.Bucket > 0 && (b.Name == colUnderscoreTime || b.Name == colTime):
			buckets++
		case b.Bucket == 0 && (b.Name == colLevel || b.Name == colJob || b.Name == colAttempt):
		default:
			return false
		}
	}
	return buckets == 1
}

// runTimeCounted runs stats pipe sp, the plan's first, with tc, and
// reports false if tc cannot count the plan's filter.
func (p *Plan) runTimeCounted(ctx context.Context, src Source, tc TimeCounter, sp *StatsPipe, mem *memBudget) (stage, bool, error) {
	var step time.Duration
	for _, b := range sp.By {
		step = max(step, b.Bucket)
	}
	counts, err := tc.CountByTime(ctx, p.Filter, func() func(int64) int64 { return bucketFunc(step, p.Location) })
	if errors.Is(err, engine.ErrNeedsMessages) {
		return nil, false, nil
	}
	stop, damage := gathered(err)
	if stop != nil {
		return nil, true, stop
	}
	s := newStatsStage(nil, sp, nil, p.Location, p.span, mem)
	s.counted, s.countedDamage = counts, damage
	st, err := p.stagesFrom(s, src, 1, s.columns, mem)
	return st, true, err
}

// bucketFunc returns the function that maps a time (Unix ns) to the start
// of its bucket of width step in loc (see bucketStart), as Unix ns. Lines
// come mostly in time order, so it remembers the last bucket.
func bucketFunc(step time.Duration, loc *time.Location) func(int64) int64 {
	lo, hi := int64(1), int64(0) // empty
	return func(t int64) int64 {
		if t >= lo && t < hi {
			return lo
		}
		start := bucketStart(time.Unix(0, t).In(loc), step, loc)
		next := nextBucket(start, step, loc)
		lo, hi = start.UnixNano(), next.UnixNano()
		return lo
	}
}

// loadCounted makes the groups of s from its counts instead of its input.
func (s *statsStage) loadCounted(ctx context.Context) error {
	vals := make([]any, len(s.pipe.By))
	var e engine.Entry
	r := &Row{Kind: EntryRow, Entry: &e}
	for i, tc := range s.counted {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for l, n := range tc.Levels {
			if n == 0 {
				continue
			}
			e = engine.Entry{Job: tc.Job, Attempt: tc.Attempt, Level: engine.Level(l), Time: tc.Bucket}
			for k, b := range s.pipe.By {
				vals[k] = s.byValue(r, b, -1)
			}
			g, err := s.group(vals)
			if err != nil {
				return err
			}
			g.n += n
		}
	}
	s.counted, s.damage = nil, s.countedDamage
	if err := s.fill(); err != nil {
		return err
	}
	return s.finish(ctx)
}

// orderFree reports whether pipes, run over lines, give the same rows
// whatever order the lines come in: line-by-line pipes up to an
// aggregation. The engine then skips putting the lines in time order.
func orderFree(pipes []Pipe) bool {
	for _, pipe := range pipes {
		switch pipe.(type) {
		case *UnpackPipe, *ExtractPipe, *FilterPipe:
			continue
		case *StatsPipe, *CountPipe, *TopPipe, *UniqPipe, *HistogramPipe, *FieldValuesPipe, *FieldNamesPipe:
			return true
		}
		return false
	}
	return false
}

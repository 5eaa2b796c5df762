package server

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// Following uses Redis's publish/subscribe model, which redis-cli and
// every client library already understand: SUBSCRIBE a channel naming a
// run or a query, then read ["message", channel, payload] frames until
// ["unsubscribe", channel, count].
//
//	run:<job>:<attempt>[:from=<line>][:cursor=<c>][:level=<L>]
//	query:<filter>
//
// A run channel sends the run's lines from the start line (default 1) or
// the cursor (from READ, or an earlier follow): first the lines already
// stored, then each line as it is appended, with no gap between the two
// and none repeated, since both are read through the engine's cursor. When
// the run finishes, a last message carries its final state, then the
// server sends the unsubscribe frame. A run that does not exist yet is
// waited for. The job is everything between "run:" and the last ':' before
// the attempt, so job names may hold ':'.
//
// A query channel sends, live, the lines appended from the moment of the
// SUBSCRIBE that match the filter (tail -f with a filter); it takes a
// filter without pipes and never ends on its own. Each payload is one line
// as a JSON object, as `logdb query -o json` writes it, with a "line" key.
// The final message of a run has no "line" key but "end":true, the state,
// exit code and message, counts, times and the cursor after the last line
// ("error" instead if the follow failed).
//
// Cost: every append anywhere wakes every follower (engine.DB.Changes). A
// run follower then reads its run from its cursor: one seek. A query
// follower reads the record of every run (DB.Runs) and, for each run that
// grew, its new lines through the filter: O(runs) per wake, which is why
// query followers wake at most every queryFollowInterval and run followers
// every runFollowInterval, batching what arrived meanwhile.

const (
	runFollowInterval   = 10 * time.Millisecond
	queryFollowInterval = 100 * time.Millisecond
	followBatch         = 1000    // lines read per step
	followBatchBytes    = 1 << 20 // message bytes per step
)

func init() {
	register(
		&command{
			name: "SUBSCRIBE", arity: -2, pubsub: true, ownsWriter: true, run: cmdSubscribe,
			usage:   "SUBSCRIBE run:<job>:<attempt>[:from=N][:cursor=C][:level=L] | query:<filter> ...",
			summary: "follow a run (history, then live lines, then its final state) or a query (live matching lines)",
		},
		&command{
			name: "UNSUBSCRIBE", arity: -1, pubsub: true, ownsWriter: true, run: cmdUnsubscribe,
			usage:   "UNSUBSCRIBE [channel ...]",
			summary: "stop following (all channels without arguments)",
		},
	)
}

// A subscription is one channel a connection follows.
type subscription struct {
	channel string
	cancel  context.CancelFunc
	done    chan struct{} // closed when the follower goroutine has returned
}

// A followSpec is a parsed channel.
type followSpec struct {
	channel string
	req     engine.ReadRequest // run channels
	plan    *query.Plan        // query channels
	start   *queryStart        // query channels: taken before SUBSCRIBE is answered
}

func parseChannel(ch string) (followSpec, error) {
	spec := followSpec{channel: ch}
	switch {
	case strings.HasPrefix(ch, "run:"):
		parts := strings.Split(ch[len("run:"):], ":")
		// Options come last; strip them from the right.
		for len(parts) > 0 {
			k, v, ok := strings.Cut(parts[len(parts)-1], "=")
			if !ok {
				break
			}
			var err error
			switch strings.ToLower(k) {
			case "from":
				if spec.req.From, err = strconv.ParseInt(v, 10, 64); err != nil || spec.req.From < 1 {
					return spec, errorf("bad from=%q in channel %q (want a line number from 1)", v, truncate(ch, 64))
				}
			case "cursor":
				spec.req.Cursor = v
			case "level":
				if spec.req.Filter, err = parseLevel(v); err != nil {
					return spec, err
				}
			default:
				return spec, errorf("unknown option %q in channel %q (want from=, cursor=, level=)", k, truncate(ch, 64))
			}
			parts = parts[:len(parts)-1]
		}
		if len(parts) >= 2 {
			spec.req.Job = strings.Join(parts[:len(parts)-1], ":")
		}
		if spec.req.Job == "" {
			return spec, errorf("bad channel %q (want run:<job>:<attempt>[:from=N][:cursor=C][:level=L])", truncate(ch, 64))
		}
		var err error
		if spec.req.Attempt, err = parseAttempt([]byte(parts[len(parts)-1])); err != nil {
			return spec, err
		}
		return spec, nil
	case strings.HasPrefix(ch, "query:"):
		q, err := query.Parse(ch[len("query:"):])
		if err != nil {
			return spec, err
		}
		if len(q.Pipes) > 0 {
			return spec, errorf("a followed query takes a filter without pipes")
		}
		if spec.plan, err = query.NewPlan(q, query.Options{}); err != nil {
			return spec, err
		}
		return spec, nil
	}
	return spec, errorf("bad channel %q (want run:<job>:<attempt>… or query:<filter>)", truncate(ch, 64))
}

func cmdSubscribe(c *conn, args [][]byte) error {
	specs := make([]followSpec, 0, len(args)-1)
	for _, a := range args[1:] {
		spec, err := parseChannel(string(a))
		if err != nil {
			return err
		}
		specs = append(specs, spec)
	}
	// A query follower follows the lines appended after the reply: take
	// its starting point before answering, not when its goroutine runs.
	for i := range specs {
		if specs[i].plan != nil {
			start, err := startQuery(c.ctx, c.srv.db)
			if err != nil {
				return err
			}
			specs[i].start = start
		}
	}
	c.subMu.Lock()
	defer c.subMu.Unlock()
	n := len(c.subs)
	for _, s := range specs {
		if c.subs[s.channel] == nil {
			n++
		}
	}
	if n > c.srv.opts.MaxSubscriptions {
		return errorf("a connection follows at most %d channels", c.srv.opts.MaxSubscriptions)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for _, spec := range specs {
		if c.subs[spec.channel] == nil {
			ctx, cancel := context.WithCancel(c.ctx)
			sub := &subscription{channel: spec.channel, cancel: cancel, done: make(chan struct{})}
			c.subs[spec.channel] = sub
			go c.follow(ctx, sub, spec)
		}
		c.w.Array(3)
		c.w.String("subscribe")
		c.w.String(spec.channel)
		c.w.Int(int64(len(c.subs)))
	}
	return nil
}

func cmdUnsubscribe(c *conn, args [][]byte) error {
	c.subMu.Lock()
	var names []string
	if len(args) > 1 {
		for _, a := range args[1:] {
			names = append(names, string(a))
		}
	} else {
		for n := range c.subs {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	var stop []*subscription
	removed := make([]bool, len(names))
	for i, n := range names {
		if s := c.subs[n]; s != nil {
			stop = append(stop, s)
			delete(c.subs, n)
			removed[i] = true
		}
	}
	left := len(c.subs)
	c.subMu.Unlock()
	for _, s := range stop {
		s.cancel()
		<-s.done
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if len(names) == 0 {
		c.w.Array(3)
		c.w.String("unsubscribe")
		c.w.Nil()
		c.w.Int(0)
		return nil
	}
	// Counts go down one removal at a time, as in Redis.
	later := len(stop)
	for i, n := range names {
		if removed[i] {
			later--
		}
		c.w.Array(3)
		c.w.String("unsubscribe")
		c.w.String(n)
		c.w.Int(int64(left + later))
	}
	return nil
}

// unsubscribeAll stops every follower and waits for them.
func (c *conn) unsubscribeAll() {
	c.subMu.Lock()
	subs := c.subs
	c.subs = map[string]*subscription{}
	c.subMu.Unlock()
	for _, s := range subs {
		s.cancel()
	}
	for _, s := range subs {
		<-s.done
	}
}

// testHookFollowStart, if set, is called as each follower's goroutine
// starts (see export_test.go).
var testHookFollowStart func()

// follow runs a follower. When it ends on its own (the run finished, or an
// error) it sends the unsubscribe frame itself; when cancelled, UNSUBSCRIBE
// or the closing connection does.
func (c *conn) follow(ctx context.Context, sub *subscription, spec followSpec) {
	defer close(sub.done)
	if hook := testHookFollowStart; hook != nil {
		hook()
	}
	var err error
	if spec.plan != nil {
		err = c.followQuery(ctx, sub.channel, spec.plan, spec.start)
	} else {
		err = c.followRun(ctx, sub.channel, spec.req)
	}
	if ctx.Err() != nil || errors.Is(err, errWrite) {
		return
	}
	if err != nil {
		code, msg := errorReply(err)
		b, _ := json.Marshal(map[string]any{"end": true, "error": code + " " + msg})
		if c.publish(sub.channel, [][]byte{b}) != nil {
			return
		}
	}
	c.subMu.Lock()
	mine := c.subs[sub.channel] == sub
	if mine {
		delete(c.subs, sub.channel)
	}
	left := len(c.subs)
	c.subMu.Unlock()
	if mine {
		c.wmu.Lock()
		c.w.Array(3)
		c.w.String("unsubscribe")
		c.w.String(sub.channel)
		c.w.Int(int64(left))
		if c.w.Flush() != nil {
			c.nc.Close()
		}
		c.wmu.Unlock()
	}
}

// errWrite reports that a frame could not be written: the connection is
// being closed.
var errWrite = errors.New("server: cannot write to the client")

// publish writes message frames and flushes them. On a write error it
// closes the connection, which ends its reading goroutine and so every
// follower.
func (c *conn) publish(channel string, payloads [][]byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for _, p := range payloads {
		c.w.Array(3)
		c.w.String("message")
		c.w.String(channel)
		c.w.Bulk(p)
	}
	if err := c.w.Flush(); err != nil {
		c.nc.Close()
		return errWrite
	}
	return nil
}

// publishEntries sends entries as JSON payloads.
func (c *conn) publishEntries(channel string, es []engine.Entry, j *jsonRows) error {
	if len(es) == 0 {
		return nil
	}
	payloads := make([][]byte, len(es))
	for i := range es {
		payloads[i] = append([]byte(nil), j.render(&query.Row{Kind: query.EntryRow, Entry: &es[i]})...)
	}
	return c.publish(channel, payloads)
}

// followRun sends a run's lines from req on, then live, then its final
// state.
func (c *conn) followRun(ctx context.Context, channel string, req engine.ReadRequest) error {
	db := c.srv.db
	var j jsonRows
	job := req.Job // "" for a cursor alone, until the first page names it
	for {
		// Take the channel before reading: a change after the read
		// closes it, so none is missed. Only the job's changes wake it.
		var changed <-chan struct{}
		if job != "" {
			changed = db.JobChanges(job)
		} else {
			changed = db.Changes()
		}
		p, err := readPage(ctx, db, req, followBatch, followBatchBytes)
		switch {
		case errors.Is(err, engine.ErrRunNotFound) && req.Cursor == "":
			// Not there yet: wait for it.
		case err != nil:
			return err
		default:
			job = p.Job
			if err := c.publishEntries(channel, p.Entries, &j); err != nil {
				return err
			}
			req = engine.ReadRequest{Cursor: p.Cursor, Filter: req.Filter}
			if !p.IsEnd {
				continue
			}
			if p.Status.Finished() {
				return c.publishEnd(ctx, channel, p)
			}
		}
		if err := wait(ctx, changed, runFollowInterval); err != nil {
			return err
		}
	}
}

// wait waits for changed, then a little more so that the appends of the
// next moments are read together.
func wait(ctx context.Context, changed <-chan struct{}, settle time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	}
	t := time.NewTimer(settle)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// publishEnd sends the final frame of a finished run.
func (c *conn) publishEnd(ctx context.Context, channel string, p *engine.Page) error {
	end := map[string]any{
		"end": true, "job": p.Job, "attempt": p.Attempt, "state": p.Status.String(),
		"line_count": p.LineCount, "bytes": p.Bytes, "cursor": p.Cursor,
		"start_time": formatTime(p.FirstTime), "last_time": formatTime(p.LastTime), "end_time": formatTime(p.EndTime),
	}
	if info, err := c.srv.db.Run(ctx, p.Job, p.Attempt); err == nil {
		end["exit_code"], end["exit_message"] = info.ExitCode, info.ExitMessage
	}
	b, err := json.Marshal(end)
	if err != nil {
		return err
	}
	return c.publish(channel, [][]byte{b})
}

// A queryStart is where a query follower starts: each run's next line
// as SUBSCRIBE was answered, so that "the lines appended from now on"
// means from the reply, whenever the follower's goroutine gets to run.
type queryStart struct {
	changed <-chan struct{}
	point   uint64 // engine.DB.ChangedJobs's
	pos     map[runKey]*runPos
}

// runKey names a run in a query follower's positions.
type runKey struct {
	job     string
	attempt int
}

// runPos is, per run, the first line a query follower has not examined,
// and the cursor that continues there when a read stopped before the end.
type runPos struct {
	next   int64
	cursor string
}

// startQuery takes every run's position now, for a query follower.
func startQuery(ctx context.Context, db *engine.DB) (*queryStart, error) {
	qs := &queryStart{changed: db.Changes(), pos: map[runKey]*runPos{}}
	// The point first: a change after it is looked at again later, and
	// the positions taken below keep its lines from being sent twice.
	_, qs.point = db.ChangedJobs(math.MaxUint64)
	runs, err := db.Runs(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		qs.pos[runKey{r.Job, r.Attempt}] = &runPos{next: r.Lines + 1}
	}
	return qs, nil
}

// followQuery sends the lines appended after qs was taken that match
// plan.
func (c *conn) followQuery(ctx context.Context, channel string, plan *query.Plan, qs *queryStart) error {
	db := c.srv.db
	changed, point, pos := qs.changed, qs.point, qs.pos
	var j jsonRows
	for {
		if err := wait(ctx, changed, queryFollowInterval); err != nil {
			return err
		}
		// Only the runs of the jobs changed since the last look: reading
		// every run's record costs about a microsecond a run.
		changed = db.Changes()
		var runs []engine.RunInfo
		var err error
		if runs, point, err = db.ChangedRuns(ctx, point); err != nil {
			return err
		}
		for _, r := range runs {
			k := runKey{r.Job, r.Attempt}
			st := pos[k]
			if st == nil {
				st = &runPos{next: 1}
				pos[k] = st
			}
			for r.Lines >= st.next || st.cursor != "" {
				req := engine.ReadRequest{Job: r.Job, Attempt: r.Attempt, From: st.next, Cursor: st.cursor, Filter: plan.Filter}
				p, err := readPage(ctx, db, req, followBatch, followBatchBytes)
				if errors.Is(err, engine.ErrRunNotFound) || errors.Is(err, engine.ErrBadCursor) {
					delete(pos, k) // deleted meanwhile
					break
				}
				if err != nil {
					return err
				}
				if err := c.publishEntries(channel, p.Entries, &j); err != nil {
					return err
				}
				if p.IsEnd {
					st.next, st.cursor = p.LineCount+1, ""
					break
				}
				st.cursor = p.Cursor
			}
		}
	}
}

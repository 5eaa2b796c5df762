package client

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/logdb/logdb/engine"
)

// A Follower streams a followed run's or query's lines (SUBSCRIBE) over a
// connection of its own:
//
//	f, err := c.Follow(ctx, engine.ReadRequest{Job: "build", Attempt: engine.Latest})
//	if err != nil { … }
//	defer f.Close()
//	for f.Next() {
//		e := f.Entry()
//		…
//	}
//	if err := f.Err(); err != nil { … }
//	end := f.End() // the run's final state, when it finished
//
// Next blocks until a line arrives. It returns false when the run finished
// (End is then set), when ctx is done or Close was called, or on an error.
// A Follower is not safe for concurrent use, except Close.
type Follower struct {
	w       *wire
	ctx     context.Context
	stop    func() bool
	channel string

	cur  engine.Entry
	end  *FollowEnd
	err  error
	done bool

	closeOnce  sync.Once
	userClosed atomic.Bool
}

// FollowEnd is the final state of a followed run.
type FollowEnd struct {
	Job         string
	Attempt     int
	Status      engine.RunStatus
	ExitCode    int64
	ExitMessage string
	LineCount   int64
	Bytes       int64
	FirstTime   int64 // Unix ns
	LastTime    int64
	EndTime     int64
	// Cursor continues after the last line, for READ.
	Cursor string
}

// Follow follows a run: its lines from r.From (default 1) or r.Cursor,
// those already stored first, then each as it is appended, and finally its
// state when it finishes. r.Filter may be nil or an engine.LevelFilter with
// >=. A run that does not exist yet is waited for.
func (c *Client) Follow(ctx context.Context, r engine.ReadRequest) (*Follower, error) {
	job := r.Job
	if job == "" {
		job = "-"
	}
	ch := "run:" + job + ":" + attemptArg(r.Attempt)
	switch {
	case r.Cursor != "":
		ch += ":cursor=" + r.Cursor
	case r.From > 1:
		ch += ":from=" + strconv.FormatInt(r.From, 10)
	}
	switch f := r.Filter.(type) {
	case nil:
	case engine.LevelFilter:
		if f.Op != engine.Ge {
			return nil, fmt.Errorf("client: Follow filters by level >= only, not %s", f)
		}
		ch += ":level=" + f.Level.String()
	default:
		return nil, fmt.Errorf("client: Follow takes a LevelFilter, not %T (use FollowQuery)", r.Filter)
	}
	return c.subscribe(ctx, ch)
}

// FollowQuery follows a query: the lines appended from now on that match
// filter, a query without pipes, as they arrive. It never ends on its own.
func (c *Client) FollowQuery(ctx context.Context, filter string) (*Follower, error) {
	return c.subscribe(ctx, "query:"+filter)
}

func (c *Client) subscribe(ctx context.Context, channel string) (*Follower, error) {
	w, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	f := &Follower{w: w, ctx: ctx, channel: channel}
	f.stop = context.AfterFunc(ctx, func() { w.nc.Close() })
	v, err := w.roundTrip(context.WithoutCancel(ctx), []string{"SUBSCRIBE", channel})
	if err == nil {
		if a, ok := v.([]any); !ok || len(a) != 3 || a[0] != "subscribe" {
			err = fmt.Errorf("%w: SUBSCRIBE answered %v", ErrProtocol, v)
		}
	}
	if err != nil {
		f.closeConn()
		return nil, ioError(ctx, err)
	}
	return f, nil
}

// Next waits for the next line and reports whether there is one.
func (f *Follower) Next() bool {
	for !f.done {
		v, err := readReply(f.w.br)
		if err != nil {
			f.fail(ioError(f.ctx, err))
			return false
		}
		a, ok := v.([]any)
		if !ok || len(a) < 3 {
			f.fail(fmt.Errorf("%w: frame %v", ErrProtocol, v))
			return false
		}
		switch a[0] {
		case "message":
			if isEnd, err := f.decode(str(a[2])); err != nil {
				f.fail(err)
				return false
			} else if !isEnd {
				return true
			}
		case "unsubscribe":
			f.done = true
			f.closeConn()
		case "pong", "subscribe":
		default:
			f.fail(fmt.Errorf("%w: frame %v", ErrProtocol, a[0]))
			return false
		}
	}
	return false
}

func (f *Follower) fail(err error) {
	if f.err == nil && !f.done {
		if f.userClosed.Load() {
			err = ErrClosed
		}
		f.err = err
	}
	f.done = true
	f.closeConn()
}

// decode reads a payload: a line, or the final frame of a run.
func (f *Follower) decode(payload string) (isEnd bool, err error) {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return false, fmt.Errorf("%w: follow payload: %v", ErrProtocol, err)
	}
	if _, ok := m["line"]; !ok {
		if e, ok := m["error"].(string); ok {
			code, msg, _ := strings.Cut(e, " ")
			return true, &Error{Code: code, Msg: msg}
		}
		st, _ := engine.ParseRunStatus(jstr(m["state"]))
		f.end = &FollowEnd{
			Job: jstr(m["job"]), Attempt: int(jnum(m["attempt"])), Status: st,
			ExitCode: jnum(m["exit_code"]), ExitMessage: jstr(m["exit_message"]),
			LineCount: jnum(m["line_count"]), Bytes: jnum(m["bytes"]),
			FirstTime: unixTime(m["start_time"]), LastTime: unixTime(m["last_time"]), EndTime: unixTime(m["end_time"]),
			Cursor: jstr(m["cursor"]),
		}
		return true, nil
	}
	lvl, _ := engine.ParseLevel(jstr(m["level"]))
	f.cur = engine.Entry{
		Job: jstr(m["job"]), Attempt: int(jnum(m["attempt"])), Line: jnum(m["line"]),
		Time: unixTime(m["time"]), Level: lvl, Message: jstr(m["msg"]),
	}
	// Every other key is a label; package output writes a label named
	// like a fixed key as "label.<name>".
	var ls []engine.Label
	for k, v := range m {
		switch k {
		case "time", "level", "job", "attempt", "line", "msg", "context":
			continue
		}
		// Numbers and booleans are labels of those kinds (package
		// output writes them unquoted); UseNumber keeps a number's text.
		var l engine.Label
		switch x := v.(type) {
		case string:
			l = engine.Label{Value: x}
		case json.Number:
			l = engine.Label{Value: x.String(), Kind: engine.LabelNumber}
		case bool:
			l = engine.Label{Value: strconv.FormatBool(x), Kind: engine.LabelBool}
		default:
			continue
		}
		if rest, ok := strings.CutPrefix(k, "label."); ok && isFixed(rest) {
			k = rest
		}
		l.Name = k
		ls = append(ls, l)
	}
	if len(ls) > 0 {
		// Keys are unique, so sorting is all that is left to do.
		slices.SortFunc(ls, func(a, b engine.Label) int { return strings.Compare(a.Name, b.Name) })
		f.cur.Labels = ls
	}
	return false, nil
}

func isFixed(k string) bool {
	switch k {
	case "time", "level", "job", "attempt", "line", "msg", "context":
		return true
	}
	return false
}

func jstr(v any) string {
	s, _ := v.(string)
	return s
}

func jnum(v any) int64 {
	if n, ok := v.(json.Number); ok {
		x, _ := n.Int64()
		return x
	}
	return 0
}

// Entry returns the current line; it is valid until the next call to Next.
func (f *Follower) Entry() *engine.Entry { return &f.cur }

// End returns the run's final state once Next returned false because the
// run finished, else nil.
func (f *Follower) End() *FollowEnd { return f.end }

// Err returns the error that stopped Next, if any: nil when the run
// finished, ctx's error when ctx ended the follow, ErrClosed after Close.
func (f *Follower) Err() error { return f.err }

// Close stops following and closes the connection. It may be called from
// another goroutine to wake a blocked Next.
func (f *Follower) Close() error {
	f.userClosed.Store(true)
	f.closeConn()
	return nil
}

func (f *Follower) closeConn() {
	f.closeOnce.Do(func() {
		f.stop()
		f.w.nc.Close()
	})
}

package server

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/logdb/logdb/engine"
)

// READ reads one run's lines by range, following the task-instance log API
// (GetInstanceLog) of ../shared/seeds/001: a run (InstanceKey,
// LifeRoundNum), a start line (StartLineNum), a count (EndLineCount,
// default 10000), a level filter (LogLevel) and a cursor (ExtInfo) in;
// lines (LogInfo), LineCount, IsEnd, byte size (LogFileSize), run times
// (StartTime, EndTime), state (InstanceState) and the next cursor out.

func init() {
	register(&command{
		name: "READ", arity: -3, run: cmdRead,
		usage:   "READ job attempt [FROM line] [COUNT n] [LEVEL lvl] [CURSOR c] [FORMAT entry|full|raw|json]",
		summary: "read a run's lines by range (attempt: N, latest, -1 …); CURSOR continues a page",
	})
}

func cmdRead(c *conn, args [][]byte) error {
	opts, err := options(args[3:], "FROM", "COUNT", "LEVEL", "CURSOR", "FORMAT")
	if err != nil {
		return err
	}
	req := engine.ReadRequest{Job: string(args[1]), Cursor: opts["CURSOR"]}
	if req.Cursor == "" {
		if req.Attempt, err = parseAttempt(args[2]); err != nil {
			return err
		}
	}
	if v, ok := opts["FROM"]; ok {
		if req.From, err = parseInt("FROM", []byte(v)); err != nil {
			return err
		}
		if req.From < 1 {
			return errorf("FROM must be at least 1, not %d", req.From)
		}
	}
	count := int64(engine.DefaultReadCount)
	if v, ok := opts["COUNT"]; ok {
		if count, err = parseInt("COUNT", []byte(v)); err != nil {
			return err
		}
		if count < 1 || count > int64(c.srv.opts.MaxCount) {
			return errorf("COUNT must be from 1 to %d, not %d", c.srv.opts.MaxCount, count)
		}
	}
	if v, ok := opts["LEVEL"]; ok {
		if req.Filter, err = parseLevel(v); err != nil {
			return err
		}
	}
	f, err := parseFormat(opts["FORMAT"])
	if err != nil {
		return err
	}
	ctx, done := c.commandContext()
	defer done()
	page, err := readPage(ctx, c.srv.db, req, int(count), c.srv.opts.MaxReplyBytes)
	var damage *engine.DamageError
	if err != nil && !errors.As(err, &damage) {
		return err
	}

	w := c.w
	if damage != nil {
		w.Array(26)
	} else {
		w.Array(24)
	}
	w.String("lines")
	w.Array(len(page.Entries))
	var j jsonRows
	for i := range page.Entries {
		writeReadLine(w, f, &page.Entries[i], &j)
	}
	w.String("job")
	w.String(page.Job)
	w.String("attempt")
	w.Int(int64(page.Attempt))
	w.String("line_count")
	w.Int(page.LineCount)
	w.String("is_end")
	w.Bool(page.IsEnd)
	w.String("bytes")
	w.Int(page.Bytes)
	w.String("start_time")
	timeOrNil(w, page.FirstTime)
	w.String("last_time")
	timeOrNil(w, page.LastTime)
	w.String("end_time")
	timeOrNil(w, page.EndTime)
	w.String("state")
	w.String(page.Status.String())
	w.String("count")
	w.Int(int64(len(page.Entries)))
	w.String("cursor")
	w.String(page.Cursor)
	if damage != nil {
		// The lines that could be read, and what could not.
		w.String("damaged")
		w.String(damage.Error())
	}
	return nil
}

// readPage reads up to count lines for req in chunks, so that a page of
// long lines stops near maxBytes of messages instead of holding count of
// them: the first chunk is small, and the next ones are sized from the
// run's average line. The page returned describes the run as of the last
// chunk, with the entries of all of them and the cursor after the last.
// Cursors never skip or repeat a line, so the chunks join up exactly.
// Damage met on the way is returned, with the page, as one *DamageError.
func readPage(ctx context.Context, db *engine.DB, req engine.ReadRequest, count, maxBytes int) (*engine.Page, error) {
	var (
		out    *engine.Page
		all    []engine.Entry
		bytes  int
		chunk  = min(count, 100)
		damage []engine.DamagedRange
	)
	for {
		req.Count = chunk
		p, err := db.ReadLines(ctx, req)
		var d *engine.DamageError
		if errors.As(err, &d) {
			damage = append(damage, d.Ranges...)
			err = nil
		}
		if err != nil {
			return nil, err
		}
		for i := range p.Entries {
			bytes += len(p.Entries[i].Message) + 32
		}
		if out == nil {
			all = p.Entries
		} else {
			all = append(all, p.Entries...)
		}
		out = p
		if p.IsEnd || len(all) >= count || bytes >= maxBytes || len(p.Entries) < chunk {
			break
		}
		avg := 128
		if p.LineCount > 0 {
			avg = int(p.Bytes/p.LineCount) + 32
		}
		chunk = max(1, min(count-len(all), (maxBytes-bytes)/avg))
		req = engine.ReadRequest{Cursor: p.Cursor, Filter: req.Filter}
	}
	out.Entries = all
	if damage != nil {
		return out, &engine.DamageError{Ranges: damage}
	}
	return out, nil
}

// parseAttempt reads "latest", a number from 0, or -K (K attempts before
// the latest).
func parseAttempt(b []byte) (int, error) {
	s := string(b)
	if strings.EqualFold(s, "latest") {
		return engine.Latest, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1<<30 || n > 1<<31-1 {
		return 0, errorf("bad attempt %q (want a number from 0, latest, or -K for K attempts before the latest)", truncate(s, 64))
	}
	return n, nil
}

// parseLevel reads a LEVEL option: "Warn" means Warn or more severe,
// "=Warn" exactly Warn, and "All" (GetInstanceLog's default) no filter.
func parseLevel(s string) (engine.Filter, error) {
	if strings.EqualFold(s, "all") || s == "" {
		return nil, nil
	}
	op := engine.Ge
	if rest, ok := strings.CutPrefix(s, "="); ok {
		op, s = engine.Eq, rest
	}
	l, ok := engine.ParseLevel(s)
	if !ok {
		return nil, errorf("unknown level %q (want All, %s; =Level for exactly one)", truncate(s, 64), strings.Join(engine.LevelNames(), ", "))
	}
	return engine.LevelFilter{Op: op, Level: l}, nil
}

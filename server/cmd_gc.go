package server

import (
	"context"
	"fmt"

	"github.com/logdb/logdb/engine"
)

// GC deletes the runs whose retention has run out, as engine.DB.GC does,
// or with DRYRUN reports what it would delete (engine.DB.Expired). Without
// MAXAGE, RULE or INCLUDERUNNING it applies the DB's own retention, which
// logdb serve sets from its flags. Expired runs that have not finished are
// kept, and counted as kept_running, unless INCLUDERUNNING is given.

func init() {
	register(&command{
		name: "GC", arity: -1, run: cmdGC,
		usage:   "GC [MAXAGE age] [RULE rule]... [INCLUDERUNNING] [DRYRUN]",
		summary: "delete the runs past their retention (age: 30d, 12h, forever; rule: \"status=failed env=dev:90d\"), not those still running unless INCLUDERUNNING; DRYRUN deletes nothing",
	})
}

func cmdGC(c *conn, args [][]byte) error {
	r, dry, err := parseRetention(args[1:])
	if err != nil {
		return err
	}
	var rep engine.GCReport
	if dry {
		// A read, like RUNS: under the query timeout, cancelled if the
		// client hangs up.
		ctx, done := c.commandContext()
		defer done()
		rep, err = c.srv.db.Expired(ctx, r)
	} else {
		// A write: it runs to the end, a run at a time, even if the
		// client hangs up, and takes as long as it takes.
		rep, err = c.srv.db.GC(context.WithoutCancel(c.ctx), r)
		if err != nil && len(rep.Deleted) > 0 {
			err = fmt.Errorf("%w (%d runs were deleted before)", err, len(rep.Deleted))
		}
	}
	if err != nil {
		return err
	}
	writeGCReport(c.w, &rep, dry)
	return nil
}

var gcOptions = optionSpec{once: []string{"MAXAGE"}, many: []string{"RULE"}, flags: []string{"DRYRUN", "INCLUDERUNNING"}}

// parseRetention reads GC's options. Without MAXAGE, RULE or
// INCLUDERUNNING the retention is nil, the DB's own; with any, MAXAGE
// defaults to engine.DefaultMaxAge.
func parseRetention(args [][]byte) (r *engine.Retention, dry bool, err error) {
	opts, err := gcOptions.parse(args)
	if err != nil {
		return nil, false, err
	}
	_, dry = opts["DRYRUN"]
	_, running := opts["INCLUDERUNNING"]
	if opts["MAXAGE"] == nil && opts["RULE"] == nil && !running {
		return nil, dry, nil
	}
	r = &engine.Retention{MaxAge: engine.DefaultMaxAge, IncludeRunning: running}
	if v := opts["MAXAGE"]; v != nil {
		if r.MaxAge, err = engine.ParseAge(v[0]); err != nil {
			return nil, false, errorf("MAXAGE: %s", truncate(err.Error(), 200))
		}
	}
	for _, s := range opts["RULE"] {
		rule, err := engine.ParseRetentionRule(s)
		if err != nil {
			return nil, false, errorf("RULE: %s", truncate(err.Error(), 200))
		}
		r.Rules = append(r.Rules, rule)
	}
	return r, dry, nil
}

// writeGCReport writes what GC deleted, or with DRYRUN would delete, as a
// flat key/value array: counts, the runs' records as they were, and how
// many expired runs were kept for not having finished.
func writeGCReport(w *Writer, rep *engine.GCReport, dry bool) {
	w.Array(2 * 8)
	w.String("checked")
	w.Int(int64(rep.Checked))
	w.String("deleted")
	w.Int(int64(len(rep.Deleted)))
	w.String("lines")
	w.Int(rep.Lines)
	w.String("bytes")
	w.Int(rep.Bytes)
	w.String("kept_pinned")
	w.Int(int64(rep.Kept))
	w.String("dry_run")
	w.Bool(dry)
	w.String("runs")
	w.Array(len(rep.Deleted))
	for i := range rep.Deleted {
		writeRunInfo(w, &rep.Deleted[i])
	}
	w.String("kept_running")
	w.Int(int64(rep.KeptRunning))
}

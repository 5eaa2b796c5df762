package client

import (
	"context"

	"github.com/logdb/logdb/engine"
)

// Expired reports what GC would delete now, deleting nothing (GC …
// DRYRUN): the runs that r says have expired, and how many expired runs are
// kept because they are pinned. A nil r means the server's retention.
func (c *Client) Expired(ctx context.Context, r *engine.Retention) (engine.GCReport, error) {
	return c.gc(ctx, r, true)
}

// GC deletes the runs that r says have expired (GC) and returns what it
// did. A nil r means the server's retention. A rule must be one that
// engine.ParseRetentionRule reads back from its String: a label value
// with a space cannot be sent, nor a rule without conditions.
func (c *Client) GC(ctx context.Context, r *engine.Retention) (engine.GCReport, error) {
	return c.gc(ctx, r, false)
}

func (c *Client) gc(ctx context.Context, r *engine.Retention, dry bool) (engine.GCReport, error) {
	args := []string{"GC"}
	if r != nil {
		// Always MAXAGE: without MAXAGE or RULE the server applies its
		// own retention, not the default.
		age := r.MaxAge
		if age == 0 {
			age = engine.DefaultMaxAge
		}
		args = append(args, "MAXAGE", engine.FormatAge(age))
		for _, rule := range r.Rules {
			args = append(args, "RULE", rule.String())
		}
		if r.IncludeRunning {
			args = append(args, "INCLUDERUNNING")
		}
	}
	if dry {
		args = append(args, "DRYRUN")
	}
	v, err := c.Do(ctx, args...)
	if err != nil {
		return engine.GCReport{}, err
	}
	m, err := fields(v)
	if err != nil {
		return engine.GCReport{}, err
	}
	rep := engine.GCReport{
		Checked: int(num(m["checked"])), Lines: num(m["lines"]), Bytes: num(m["bytes"]), Kept: int(num(m["kept_pinned"])),
		KeptRunning: int(num(m["kept_running"])),
	}
	if rep.Deleted, err = runInfos("GC", m["runs"]); err != nil {
		return engine.GCReport{}, err
	}
	return rep, nil
}

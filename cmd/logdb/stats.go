package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
)

const statsUsage = `usage: logdb stats [--dir DIR] [-o table|json]

Prints what the data directory holds: runs, jobs, lines, message bytes,
blocks, lines not yet sealed into blocks, bytes on disk (index included)
and how far the full-text index lags behind.

Flags:
  -o FORMAT   table (default) or json
`

func init() {
	register(&command{name: "stats", summary: "show runs, lines, size on disk and index lag", usage: statsUsage, run: runStats})
}

func runStats(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("stats", g)
	format := fs.String("o", "table", "output format")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return usagef("unknown format %q (want table or json)", *format)
	}
	st, err := storeStats(ctx, g)
	if err != nil {
		return err
	}
	if *format == "json" {
		return json.NewEncoder(m.Stdout).Encode(map[string]any{
			"dir": g.where(), "runs": st.Runs, "jobs": st.Jobs, "lines": st.Lines, "bytes": st.Bytes,
			"blocks": st.Blocks, "unsealed_lines": st.UnsealedLines, "disk_bytes": st.DiskBytes,
			"index_bytes": st.IndexBytes, "index_ready": st.IndexReady, "index_lag": st.IndexLag,
		})
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	perLine := func(n int64) string {
		if st.Lines == 0 {
			return ""
		}
		return fmt.Sprintf("  (%.1f per line)", float64(n)/float64(st.Lines))
	}
	lag := fmt.Sprintf("%d blocks", st.IndexLag)
	if !st.IndexReady {
		lag += " (index being built; queries scan)"
	}
	for _, r := range [][2]string{
		{"data directory", g.where()},
		{"runs", fmt.Sprintf("%d in %d jobs", st.Runs, st.Jobs)},
		{"lines", fmt.Sprint(st.Lines)},
		{"message bytes", fmt.Sprint(st.Bytes)},
		{"blocks", fmt.Sprintf("%d sealed, %d lines not yet sealed", st.Blocks, st.UnsealedLines)},
		{"disk bytes", fmt.Sprintf("%d%s", st.DiskBytes, perLine(st.DiskBytes))},
		{"index bytes", fmt.Sprintf("%d%s", st.IndexBytes, perLine(st.IndexBytes))},
		{"index lag", lag},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
	}
	return tw.Flush()
}

package repl

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/logdb/logdb/query"
)

// runsColumns are the columns \runs shows in a table unless the query
// picks its own: the console's run list, the message last so that it is
// cut to the screen rather than the other columns.
var runsColumns = []string{"job", "attempt", "kind", "status", "start", "duration", "lines", "errors", "exit", "message"}

// cmdRuns lists runs with a query over their records, as logdb runs does:
// newest first, filtered by state, times, labels or their lines (HAVING).
func cmdRuns(s *Shell, ctx context.Context, args string) error {
	q, err := query.Parse(args)
	if err != nil {
		return err
	}
	// Unless the pipes choose columns (fields, count), a table shows the
	// compact set; the fields pipe goes last, after any sort or limit.
	compact := s.Format == "table"
	for _, p := range q.Pipes {
		switch p.(type) {
		case *query.FieldsPipe, *query.CountPipe:
			compact = false
		}
	}
	if compact {
		fp := &query.FieldsPipe{}
		for _, c := range runsColumns {
			fp.Fields = append(fp.Fields, query.FieldRef{Name: c})
		}
		q.Pipes = append(q.Pipes, fp)
	}
	start := time.Now()
	res, buf, err := s.collectRows(ctx, q, s.queryOptions(), s.MaxRows, sinkOptions{format: s.Format, stream: !s.TTY, dropEmpty: compact}, s.exec.QueryRuns)
	if err != nil {
		return err
	}
	s.last = res
	if !s.TTY {
		return nil
	}
	s.footer(buf, res, start)
	return s.show(buf.Bytes())
}

// cmdStats describes the database, as logdb stats does.
func cmdStats(s *Shell, ctx context.Context, args string) error {
	if args != "" {
		return fmt.Errorf(`\stats takes no arguments`)
	}
	st, err := s.exec.Stats(ctx)
	if err != nil {
		return err
	}
	if s.Format == "json" {
		return json.NewEncoder(s.out).Encode(map[string]any{
			"runs": st.Runs, "jobs": st.Jobs, "lines": st.Lines, "bytes": st.Bytes,
			"blocks": st.Blocks, "unsealed_lines": st.UnsealedLines, "disk_bytes": st.DiskBytes,
			"index_bytes": st.IndexBytes, "index_ready": st.IndexReady, "index_lag": st.IndexLag,
		})
	}
	lag := fmt.Sprintf("%d blocks", st.IndexLag)
	if !st.IndexReady {
		lag += " (index being built; queries scan)"
	}
	for _, r := range [][2]string{
		{"runs", fmt.Sprintf("%d in %d jobs", st.Runs, st.Jobs)},
		{"lines", strconv.FormatInt(st.Lines, 10)},
		{"message bytes", strconv.FormatInt(st.Bytes, 10)},
		{"blocks", fmt.Sprintf("%d sealed, %d lines not yet sealed", st.Blocks, st.UnsealedLines)},
		{"disk bytes", strconv.FormatInt(st.DiskBytes, 10)},
		{"index bytes", strconv.FormatInt(st.IndexBytes, 10)},
		{"index lag", lag},
	} {
		fmt.Fprintf(s.out, "%-14s %s\n", r[0], r[1])
	}
	return nil
}

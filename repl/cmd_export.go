package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/outfile"
	"github.com/logdb/logdb/query"
)

// exportFormats are the formats \export writes.
var exportFormats = []string{"raw", "json", "csv", "table"}

// exportUsage is \export's usage line.
const exportUsage = `usage: \export [--force] FILE [raw|json|csv|table] [JOB [ATTEMPT]]`

// cmdExport writes the last result or a whole run to a file: the console's
// download. The file is written under a temporary name and put in place
// when complete, so a failed or cancelled export leaves no half file; it
// is refused inside Shell.Protect, and over an existing file without
// --force (see outfile).
func cmdExport(s *Shell, ctx context.Context, args string) error {
	f, err := fields(args)
	if err != nil {
		return err
	}
	force := len(f) > 0 && (f[0] == "--force" || f[0] == "-f")
	if force {
		f = f[1:]
	}
	if len(f) < 1 {
		return errors.New(exportUsage)
	}
	path, rest := expandHome(f[0]), f[1:]
	format := formatForFile(path)
	if len(rest) > 0 && slices.Contains(exportFormats, rest[0]) {
		format, rest = rest[0], rest[1:]
	}
	if len(rest) > 2 {
		return errors.New(exportUsage)
	}
	var export func(io.Writer) (int64, error)
	switch {
	case len(rest) > 0:
		attempt := engine.Latest
		if len(rest) == 2 {
			if attempt, err = parseAttempt(rest[1]); err != nil {
				return err
			}
		}
		export = func(w io.Writer) (int64, error) { return s.exportRun(ctx, w, format, rest[0], attempt) }
	case s.last == nil:
		return fmt.Errorf(`nothing to export: run a query or \read first, or name a run: \export FILE JOB`)
	default:
		export = func(w io.Writer) (int64, error) { return s.exportLast(ctx, w, format) }
	}
	out, err := outfile.Create(path, outfile.Options{Protect: s.Protect, Force: force})
	if err != nil {
		return err
	}
	defer out.Abort()
	n, err := export(out)
	if err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	s.note("wrote %d rows to %s (%s)", n, path, format)
	return nil
}

// exportRun writes every line of a run, page by page.
func (s *Shell) exportRun(ctx context.Context, w io.Writer, format, job string, attempt int) (int64, error) {
	sk, err := s.newSink(w, sinkOptions{format: format, loc: s.Location, stream: true, file: true, unnumbered: true})
	if err != nil {
		return 0, err
	}
	var n int64
	req := engine.ReadRequest{Job: job, Attempt: attempt, Count: engine.DefaultReadCount}
	for {
		p, err := s.exec.ReadLines(ctx, req)
		if err != nil {
			return n, err
		}
		for i := range p.Entries {
			if err := sk.write(&query.Row{Kind: query.EntryRow, Entry: &p.Entries[i]}); err != nil {
				return n, err
			}
		}
		n += int64(len(p.Entries))
		if p.IsEnd {
			return n, sk.flush()
		}
		req = engine.ReadRequest{Cursor: p.Cursor, Count: engine.DefaultReadCount}
	}
}

// exportLast writes the last result: the rows kept if they are all of it,
// else the query run again over the same times, without a row limit.
func (s *Shell) exportLast(ctx context.Context, w io.Writer, format string) (int64, error) {
	r := s.last
	sk, err := s.newSink(w, sinkOptions{format: format, loc: r.loc, stream: true, file: true})
	if err != nil {
		return 0, err
	}
	var n int64
	if r.complete || r.q == nil {
		for i := range r.rows {
			if err := sk.write(&r.rows[i]); err != nil {
				return n, err
			}
			n++
		}
		return n, sk.flush()
	}
	rows, err := r.rerun(ctx, r.q, r.opts)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := sk.write(rows.Row()); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, sk.flush()
}

// formatForFile picks an export format from a file's extension.
func formatForFile(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".json", ".jsonl", ".ndjson":
		return "json"
	case ".txt":
		return "table"
	}
	return "raw"
}

// expandHome replaces a leading ~/ with the home directory.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

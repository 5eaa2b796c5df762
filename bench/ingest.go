package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
	"github.com/logdb/logdb/query"
)

// IngestResult is what the load of a file into a new store measured. The
// load runs in a child process of its own, so that PeakRSS is the load's
// and not the benchmark's.
type IngestResult struct {
	Lines      int64 `json:"lines"`       // lines stored
	Rejected   int64 `json:"rejected"`    // lines the reader rejected
	Runs       int   `json:"runs"`        // runs loaded into
	InputBytes int64 `json:"input_bytes"` // bytes of the file

	// DurableSec is the time from the start of the load until Loader.Load
	// returned: every line appended and synced (Append returns after
	// fsync). IndexedSec is the time until DB.Flush returned after that:
	// every line sealed into a block and in the full-text index.
	DurableSec         float64 `json:"durable_s"`
	DurableLinesPerSec float64 `json:"durable_lines_per_s"`
	DurableMBPerSec    float64 `json:"durable_mb_per_s"` // MB (10^6 bytes) of the file per second
	IndexedSec         float64 `json:"indexed_s"`
	IndexedLinesPerSec float64 `json:"indexed_lines_per_s"`
	IndexedMBPerSec    float64 `json:"indexed_mb_per_s"`

	// SearchableSec is the time from the return of Load until a query for
	// the last line's text (a phrase, no other condition) first found it;
	// SearchableQueries is how many queries that took. -1 if not measured.
	SearchableSec     float64 `json:"searchable_s"`
	SearchableQueries int     `json:"searchable_queries"`

	// DiskBytesIndexed is the size of the data directory as the load
	// leaves it, as logdb ingest does: after Flush, DB.Settle (which took
	// SettleSec) and Close, without Compact. DiskBytes and IndexBytes are
	// the sizes after a new Open, DB.Compact (which took CompactSec) and
	// Close.
	DiskBytesIndexed  int64   `json:"disk_bytes_indexed"`
	SettleSec         float64 `json:"settle_s"`
	CompactSec        float64 `json:"compact_s"`
	DiskBytes         int64   `json:"disk_bytes"`
	IndexBytes        int64   `json:"index_bytes"`
	DiskBytesPerLine  float64 `json:"disk_bytes_per_line"`
	IndexBytesPerLine float64 `json:"index_bytes_per_line"`
	Blocks            int64   `json:"blocks"`

	// Peak resident set size of the child process (getrusage ru_maxrss)
	// when the load was durable, when it was indexed, and over the child's
	// whole life (Compact included).
	PeakRSSDurable int64 `json:"peak_rss_durable_bytes"`
	PeakRSSIndexed int64 `json:"peak_rss_indexed_bytes"`
	PeakRSS        int64 `json:"peak_rss_bytes"`

	// Progress samples the child while it loads and indexes: the lines
	// it has read (from its offset in the file) and its resident set.
	Progress []ProgressSample `json:"progress,omitempty"`
}

// The hidden subcommands of `logdb bench` that run in child processes.
const (
	childIngest = "ingest-child"
	childOpen   = "open-child"
)

// IsChild reports whether a `logdb bench` argument names one of the child
// processes that Run starts, which RunChild runs.
func IsChild(arg string) bool { return arg == childIngest || arg == childOpen }

// RunChild runs a child process of the benchmark: args are the arguments
// after `logdb bench`, starting with the child's name. It writes its result
// as JSON to stdout.
func RunChild(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || !IsChild(args[0]) {
		return fmt.Errorf("bench: not a child process: %q", args)
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		dir       = fs.String("dir", "", "")
		file      = fs.String("file", "", "")
		format    = fs.String("format", "auto", "")
		job       = fs.String("job", "", "")
		probeJob  = fs.String("probe-job", "", "")
		probeText = fs.String("probe-text", "", "")
		src       = fs.String("query", "", "")
	)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var (
		res any
		err error
	)
	switch args[0] {
	case childIngest:
		f, ferr := ingest.ParseFormat(*format)
		if ferr != nil {
			return ferr
		}
		res, err = ingestChild(ctx, *dir, *file, ingest.Options{Format: f, Job: *job}, probe{*probeJob, *probeText})
	case childOpen:
		res, err = openChild(ctx, *dir, *src)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// ingestChild loads file into a new store in dir the way `logdb ingest`
// does and measures it.
func ingestChild(ctx context.Context, dir, file string, ropts ingest.Options, pr probe) (*IngestResult, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	db, err := engine.Open(dir, &engine.Options{MaxLineBytes: ingest.DefaultMaxLineBytes})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	res := &IngestResult{InputBytes: fi.Size(), SearchableSec: -1}

	start := time.Now()
	loader := &ingest.Loader{DB: db}
	if err := loader.Load(ctx, ingest.NewReader(f, file, ropts)); err != nil {
		return nil, err
	}
	durable := time.Since(start)
	res.PeakRSSDurable = peakRSS()
	st := loader.Stats()
	res.Lines, res.Rejected, res.Runs = st.Stored, st.Rejected, loader.Runs()

	if pr.text != "" {
		d, n, err := waitSearchable(ctx, db, pr, time.Minute)
		if err != nil {
			return nil, err
		}
		res.SearchableSec, res.SearchableQueries = d.Seconds(), n
	}

	if err := db.Flush(ctx); err != nil {
		return nil, err
	}
	indexed := time.Since(start)
	res.PeakRSSIndexed = peakRSS()
	t := time.Now()
	if err := db.Settle(ctx); err != nil {
		return nil, err
	}
	res.SettleSec = time.Since(t).Seconds()
	if err := db.Close(); err != nil {
		return nil, err
	}
	// Measured closed: an open store holds its active logs allocated
	// ahead of the writes.
	res.DiskBytesIndexed = engine.DiskUsage(dir)

	if db, err = engine.Open(dir, nil); err != nil {
		return nil, err
	}
	t = time.Now()
	if err := db.Compact(ctx); err != nil {
		return nil, err
	}
	res.CompactSec = time.Since(t).Seconds()
	if err := db.Close(); err != nil {
		return nil, err
	}
	// NoIndexer: the index is current; the reopen only measures.
	db, err = engine.Open(dir, &engine.Options{NoIndexer: true})
	if err != nil {
		return nil, err
	}
	s, err := db.Stats(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	res.DiskBytes, res.IndexBytes, res.Blocks = engine.DiskUsage(dir), s.IndexBytes, s.Blocks
	res.PeakRSS = peakRSS()

	res.DurableSec, res.IndexedSec = durable.Seconds(), indexed.Seconds()
	lines, mb := float64(res.Lines), float64(res.InputBytes)/1e6
	res.DurableLinesPerSec, res.DurableMBPerSec = lines/durable.Seconds(), mb/durable.Seconds()
	res.IndexedLinesPerSec, res.IndexedMBPerSec = lines/indexed.Seconds(), mb/indexed.Seconds()
	if res.Lines > 0 {
		res.DiskBytesPerLine = float64(res.DiskBytes) / lines
		res.IndexBytesPerLine = float64(res.IndexBytes) / lines
	}
	return res, nil
}

// waitSearchable queries for the probe's text, as a phrase over the whole
// store, until a hit is the probe's line, and returns the time that took
// and the number of queries.
func waitSearchable(ctx context.Context, db *engine.DB, pr probe, limit time.Duration) (time.Duration, int, error) {
	q, err := query.Parse(QuotePhrase(pr.text))
	if err != nil {
		return 0, 0, fmt.Errorf("cannot parse the probe query: %w", err)
	}
	start := time.Now()
	for n := 1; ; n++ {
		rows, err := query.Run(ctx, db, q, query.Options{})
		if err != nil {
			return 0, n, err
		}
		found := false
		for rows.Next() {
			e := rows.Row().Entry
			if e != nil && e.Job == pr.job && strings.HasPrefix(e.Message, pr.text) {
				found = true
				break
			}
		}
		if err := rows.Close(); err != nil {
			return 0, n, err
		}
		if found {
			return time.Since(start), n, nil
		}
		if time.Since(start) > limit {
			return 0, n, fmt.Errorf("the last line loaded was not found after %v", limit)
		}
		time.Sleep(time.Millisecond)
	}
}

// QuotePhrase returns s as a quoted phrase of the filter language.
func QuotePhrase(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// runIngest loads d.File into a new store in dir in a child process.
func runIngest(ctx context.Context, o *Options, d *Dataset, dir string) (*IngestResult, error) {
	args := []string{"bench", childIngest, "--dir", dir, "--file", d.File, "--format", d.Format}
	if d.defaultJob != "" {
		args = append(args, "--job", d.defaultJob)
	}
	if d.probe.text != "" {
		args = append(args, "--probe-job", d.probe.job, "--probe-text", d.probe.text)
	}
	var (
		res    IngestResult
		sample func() []ProgressSample
	)
	ps, err := runChild(ctx, o, args, &res, func(pid int) {
		sample = sampleProgress(pid, func() int64 {
			return linesOf(fileOffset(pid, d.File), d.Bytes, d.Lines)
		})
	})
	if sample != nil {
		res.Progress = sample()
	}
	if err != nil {
		return nil, err
	}
	res.PeakRSS = max(res.PeakRSS, childPeakRSS(ps.SysUsage()))
	return &res, nil
}

// runChild runs o.Exe with args and decodes the JSON it prints into res.
// started, if not nil, is called with the child's pid once it runs.
func runChild(ctx context.Context, o *Options, args []string, res any, started func(pid int)) (*os.ProcessState, error) {
	cmd := exec.CommandContext(ctx, o.Exe, args...)
	cmd.Env = append(os.Environ(), o.ChildEnv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Start()
	if err == nil {
		if started != nil {
			started(cmd.Process.Pid)
		}
		err = cmd.Wait()
	}
	if err != nil {
		msg := strings.TrimSpace(errb.String())
		if len(msg) > 2000 {
			msg = "…" + msg[len(msg)-2000:]
		}
		return nil, fmt.Errorf("bench %s: %w: %s", args[1], err, msg)
	}
	if err := json.Unmarshal(out.Bytes(), res); err != nil {
		return nil, fmt.Errorf("bench %s: bad output %q: %w", args[1], out.String(), err)
	}
	return cmd.ProcessState, nil
}

// OpenResult is what opening a settled store in a fresh process and
// answering a first query took, inside that process (without starting it).
type OpenResult struct {
	Query    string  `json:"query"`
	Hits     int64   `json:"hits"`
	OpenSec  float64 `json:"open_s"`  // engine.Open
	QuerySec float64 `json:"query_s"` // Parse, Run, all rows read
	CloseSec float64 `json:"close_s"` // DB.Close
}

func openChild(ctx context.Context, dir, src string) (*OpenResult, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	res := &OpenResult{Query: src}
	t := time.Now()
	db, err := engine.Open(dir, nil)
	if err != nil {
		return nil, err
	}
	res.OpenSec = time.Since(t).Seconds()
	t = time.Now()
	hits, _, err := runQuery(ctx, db, src, query.Options{})
	if err != nil {
		db.Close()
		return nil, err
	}
	res.QuerySec, res.Hits = time.Since(t).Seconds(), hits
	t = time.Now()
	if err := db.Close(); err != nil {
		return nil, err
	}
	res.CloseSec = time.Since(t).Seconds()
	return res, nil
}

// errNoExe is returned when no logdb binary is known for child processes.
var errNoExe = errors.New("bench: no logdb binary to run child processes (Options.Exe)")

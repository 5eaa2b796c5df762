package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
	"github.com/logdb/logdb/query"
)

const ingestUsage = `usage: logdb ingest [--dir DIR] [--job JOB] [--attempt A] [--format F]
                    [--time-format F] [--pattern P] [--binary]
                    [--max-line-bytes N] [--tz ZONE] [FILE... | -]

Appends the lines of each FILE (or of standard input, "-" or no FILE) to a
run, numbering them from the run's next line. Text lines are stored exactly
as written (a trailing \r dropped); a time and level at the start of a line
are detected (RFC 3339, log4j, logback, Python, syslog, klog, logcat,
Apache and nginx, GitHub Actions, [INFO] …); a level written other than
as its name (SEVERE, notice, E) is kept as the label level_text. Stack traces and indented lines take the time and
level of the line that started their entry. At the end, ingest says per
file how many lines got a time and a level, and by which layout.
JSON and logfmt lines map time/ts/@timestamp, level/severity, msg/message,
job and attempt onto the line and keep every other key as a label.

A bad line (invalid JSON, longer than the limit) is reported with its file
and line number and skipped; every good line is stored. The exit status is
1 if any line was rejected. When ingest returns, the lines are durable,
sealed into blocks and in the full-text index.

Flags:
  --job JOB            run for lines that name none (default: the file's
                       base name without extension; "stdin" for standard input)
  --attempt A          attempt for lines that name none: a number (default
                       0), latest (the job's latest, 0 for a new job) or -K
  --format F           auto (default), json, logfmt or text; auto decides
                       per file from its first non-blank line
  --time-format F      layout of the time at the start of text lines, for
                       layouts ingest does not recognise: strftime
                       ("%d.%m.%Y %H:%M:%S") or Go ("02.01.2006 15:04:05")
  --pattern P          regexp for text lines whose named groups time, level
                       and msg give the time, level and message, and whose
                       other named groups become labels; %{NAME:field}
                       stands for a built-in pattern: TIMESTAMP,
                       TIMESTAMP_ISO8601, SYSLOGTIMESTAMP, HTTPDATE, DATE,
                       TIME, LEVEL, WORD, NOTSPACE, SPACE, DATA, GREEDYDATA,
                       INT, NUMBER, IP, HOSTNAME, QUOTEDSTRING. Lines it does
                       not match are detected as usual
  --binary             ingest a file that looks binary (NUL bytes or mostly
                       not UTF-8 in its first 8 KiB), which is refused
                       otherwise
  --max-line-bytes N   longest line accepted (default 4194304)
  --tz ZONE            zone of timestamps without one (default local)

Examples:
  logdb ingest --job build build.log
  kubectl logs pod/x | logdb ingest --job pod-x -
  logdb ingest --format json events.jsonl
  logdb ingest --time-format '%d.%m.%Y %H:%M:%S' plant.log
  logdb ingest --pattern '^%{WORD:app}\|%{LEVEL:level}\|%{TIMESTAMP:time}\|%{GREEDYDATA:msg}' billing.log
`

func init() {
	register(&command{name: "ingest", summary: "append the lines of log files to runs", usage: ingestUsage, run: runIngest})
}

func runIngest(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("ingest", g)
	var (
		job      = fs.String("job", "", "")
		attempt  = fs.String("attempt", "0", "")
		format   = fs.String("format", "auto", "")
		maxLine  = fs.Int("max-line-bytes", ingest.DefaultMaxLineBytes, "")
		tz       = fs.String("tz", "", "")
		progress = fs.Bool("progress", true, "")
		timeFmt  = fs.String("time-format", "", "")
		pattern  = fs.String("pattern", "", "")
		binary   = fs.Bool("binary", false, "")
	)
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	f, err := ingest.ParseFormat(*format)
	if err != nil {
		return usagef("unknown format %q (want auto, json, logfmt or text)", *format)
	}
	loc := time.Local
	if *tz != "" {
		if loc, err = query.ParseZone(*tz); err != nil {
			return usagef("%v", err)
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	att, err := parseAttempt(*attempt)
	if err != nil {
		return usagef("%v", err)
	}
	opts := ingest.Options{Format: f, Attempt: max(att, 0), MaxLineBytes: *maxLine, Location: loc,
		TimeFormat: *timeFmt, Pattern: *pattern}
	if err := opts.Validate(); err != nil {
		var se *ingest.SyntaxError
		if errors.As(err, &se) {
			return usagef("%v", se)
		}
		return usagef("%v", err)
	}
	// Open every file first, so that a typo fails before anything is stored.
	inputs := make([]*input, 0, len(files))
	defer func() {
		for _, in := range inputs {
			in.close()
		}
	}()
	for _, name := range files {
		in, err := openInput(m, name)
		if err != nil {
			return err
		}
		inputs = append(inputs, in)
	}

	if g.server != "" {
		return m.ingestRemote(ctx, g, inputs, opts, *job, att, *binary)
	}
	if !*binary {
		checkBinary(inputs)
	}
	db, err := openDB(g, true, &engine.Options{MaxLineBytes: *maxLine})
	if err != nil {
		return err
	}
	defer db.Close()

	st := &ingestStats{start: time.Now()}
	loader := &ingest.Loader{DB: db, OnReject: func(le *ingest.LineError) {
		st.rejected++
		if st.rejected <= maxReported {
			fmt.Fprintf(m.Stderr, "%v\n", le)
		} else if st.rejected == maxReported+1 {
			fmt.Fprintln(m.Stderr, "(more rejected lines are counted but not shown)")
		}
	}}
	st.loader = loader
	if *progress {
		if f, ok := m.Stderr.(*os.File); ok && isTerminal(f) {
			stop := st.showProgress(f, inputs)
			defer stop()
		}
	}
	var reports []fileReport
	for _, in := range inputs {
		o, err := in.options(ctx, db, opts, *job, att)
		if err != nil {
			return err
		}
		rd := ingest.NewReader(in, in.name, o)
		if err := loader.Load(ctx, rd); err != nil {
			return loadError(in.name, err, loader.Stored())
		}
		reports = append(reports, fileReport{in.name, rd.Format(), rd.Stats()})
	}
	stored := time.Since(st.start)
	st.finish()
	if err := db.Settle(ctx); err != nil {
		if !errors.Is(err, engine.ErrDiskFull) {
			return err
		}
		// Stored, durable and readable; queries scan what the index lacks.
		fmt.Fprintf(m.Stderr, "logdb ingest: warning: %v\n", err)
	}
	total := time.Since(st.start)
	printReports(m.Stderr, reports)
	n := loader.Stored()
	fmt.Fprintf(m.Stderr, "ingested %s into %s in %v (%.0f lines/s; durable after %v)",
		plural(n, "line"), plural(int64(loader.Runs()), "run"), total.Round(time.Millisecond), float64(n)/total.Seconds(), stored.Round(time.Millisecond))
	if st.rejected > 0 {
		fmt.Fprintf(m.Stderr, "; %s rejected\n", plural(int64(st.rejected), "line"))
		return exitCode(exitError)
	}
	fmt.Fprintln(m.Stderr)
	return nil
}

// loadError is appendError with how many lines were stored before it.
func loadError(name string, err error, stored int64) error {
	err = binaryHint(err)
	if stored > 0 {
		return fmt.Errorf("%w; %d lines are stored and durable, each run's first lines in the input", appendError(name, err), stored)
	}
	return fmt.Errorf("%w; no line was stored", appendError(name, err))
}

// appendError says which input an append failed for and, if its run has
// finished, how to write on.
func appendError(name string, err error) error {
	if errors.Is(err, engine.ErrRunFinished) {
		return fmt.Errorf("%s: %w (write to a new attempt: %s)", name, err, retryCommand(err))
	}
	return fmt.Errorf("%s: %w", name, err)
}

// An input is one file, or standard input, with a byte counter for the
// progress bar.
type input struct {
	name       string
	defaultJob string
	r          io.Reader
	size       int64 // 0 if unknown
	read       atomic.Int64
	closer     io.Closer
}

func openInput(m *Main, name string) (*input, error) {
	if name == "-" {
		return &input{name: "<stdin>", defaultJob: "stdin", r: m.Stdin}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	in := &input{name: name, r: f, closer: f}
	if fi, err := f.Stat(); err == nil {
		if fi.IsDir() {
			f.Close()
			return nil, fmt.Errorf("%s is a directory", name)
		}
		in.size = fi.Size()
	}
	base := filepath.Base(name)
	in.defaultJob = strings.TrimSuffix(base, filepath.Ext(base))
	if in.defaultJob == "" {
		in.defaultJob = base
	}
	return in, nil
}

// options returns the reader options for the input: its job, job or the
// input's default, and its attempt, att resolved if it is latest or -K.
func (in *input) options(ctx context.Context, runs interface {
	Run(ctx context.Context, job string, attempt int) (engine.RunInfo, error)
}, opts ingest.Options, job string, att int) (ingest.Options, error) {
	opts.Job = in.job(job)
	if att >= 0 {
		return opts, nil
	}
	info, err := runs.Run(ctx, opts.Job, att)
	switch {
	case err == nil:
		opts.Attempt = info.Attempt
	case att == engine.Latest && errors.Is(err, engine.ErrRunNotFound):
		opts.Attempt = 0 // a new job's first run
	default:
		return opts, fmt.Errorf("%s: %w", in.name, err)
	}
	return opts, nil
}

// job returns job, or the input's default if it is "".
func (in *input) job(job string) string {
	if job == "" {
		return in.defaultJob
	}
	return job
}

// checkBinary makes each input fail, when read, if it looks binary.
func checkBinary(inputs []*input) {
	for _, in := range inputs {
		in.r = ingest.BinaryCheck(in.r)
	}
}

func (in *input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	in.read.Add(int64(n))
	return n, err
}

func (in *input) close() {
	if in.closer != nil {
		in.closer.Close()
	}
}

type ingestStats struct {
	start    time.Time
	loader   *ingest.Loader
	rejected int

	mu   sync.Mutex // guards done, for the progress goroutine
	done bool
}

// maxReported is how many rejected lines are printed one by one.
const maxReported = 100

// showProgress redraws a progress line on a terminal until stop is called.
func (st *ingestStats) showProgress(f *os.File, inputs []*input) (stop func()) {
	var total int64
	for _, in := range inputs {
		total += in.size
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-tick.C:
			}
			var read int64
			for _, in := range inputs {
				read += in.read.Load()
			}
			n := st.loader.Stored()
			rate := float64(n) / time.Since(st.start).Seconds()
			if total > 0 {
				fmt.Fprintf(f, "\r\033[K%5.1f%%  %.1f/%.1f MB  %d lines stored  %.0f lines/s", 100*float64(read)/float64(total), float64(read)/1e6, float64(total)/1e6, n, rate)
			} else {
				fmt.Fprintf(f, "\r\033[K%.1f MB  %d lines stored  %.0f lines/s", float64(read)/1e6, n, rate)
			}
			st.mu.Lock()
			if st.done {
				fmt.Fprint(f, "  indexing…")
			}
			st.mu.Unlock()
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

func (st *ingestStats) finish() {
	st.mu.Lock()
	st.done = true
	st.mu.Unlock()
}

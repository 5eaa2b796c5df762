package bench

import (
	"fmt"
	"io"
	"time"

	"github.com/logdb/logdb/ingest"
)

// A Mode says which parts of the benchmark Run does.
type Mode string

// The modes of Run.
const (
	// ModeAll loads the data and measures ingest, queries, reads and whole
	// logdb processes.
	ModeAll Mode = "all"
	// ModeIngest measures the load only.
	ModeIngest Mode = "ingest"
	// ModeQuery measures the queries (and whole `logdb query` processes)
	// on a loaded store: the one in Options.Dir, or a new one it loads.
	ModeQuery Mode = "query"
	// ModeRead measures line-range reads the same way.
	ModeRead Mode = "read"
)

// ParseMode maps a command-line word onto a Mode.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeAll, ModeIngest, ModeQuery, ModeRead:
		return m, nil
	}
	return "", fmt.Errorf("unknown benchmark %q (want all, ingest, query, read or gen)", s)
}

func (m Mode) ingest() bool { return m == ModeAll || m == ModeIngest }
func (m Mode) query() bool  { return m == ModeAll || m == ModeQuery }
func (m Mode) read() bool   { return m == ModeAll || m == ModeRead }

// Options configure Run. The zero value of every field means its default.
type Options struct {
	// Mode is what to measure. Default ModeAll.
	Mode Mode

	// Lines, Seed and End describe the synthetic workload: Lines lines
	// (default 1,000,000) from seed Seed (default 1) spanning the 24 hours
	// before End (default: now). The same three give the same bytes, also
	// from `logdb bench gen`.
	Lines int
	Seed  int64
	End   time.Time

	// File, if set, is a log file benchmarked instead of the workload,
	// read in Format (default FormatAuto) as `logdb ingest` reads it.
	File   string
	Format ingest.Format

	// Word is the word of the word queries. Default "timeout" for the
	// workload; for a File, the word of at least 4 letters whose share of
	// lines is nearest the workload's 0.7%.
	Word string

	// Dir is the data directory. Default: a new temporary directory. Ingest
	// needs it empty; query and read use the store in it if it has lines,
	// and load one first otherwise.
	Dir string

	// Keep keeps the temporary directory (the JSON file and the store)
	// instead of removing it.
	Keep bool

	// Warmup is how many unmeasured runs each query or read gets first.
	// Default 2.
	Warmup int
	// MinReps and MinTime bound the measured runs of each query or read:
	// at least MinReps (default 10), and more until MinTime (default 2s)
	// has passed or MaxReps (default 1000) are done.
	MinReps int
	MinTime time.Duration
	MaxReps int

	// CLIRuns is how many times each whole-process `logdb query` and
	// `logdb read` runs, after one unmeasured run; the report gives the
	// median. Default 5. NoCLI skips them.
	CLIRuns int
	NoCLI   bool

	// Exe is the logdb binary that runs the ingest child process and the
	// whole-process timings. Default: os.Executable(). ChildEnv is added to
	// its environment (tests use it to turn a test binary into the child).
	Exe      string
	ChildEnv []string

	// Peer, if set, is a program measured beside logdb on the same file in
	// the same run: PeerVictoriaLogs, or the path of its binary. The file
	// must be JSON lines.
	Peer string

	// Log, if set, receives progress lines.
	Log io.Writer
}

// Validate reports options that cannot work.
func (o *Options) Validate() error {
	switch {
	case o.Mode != "" && !o.Mode.ingest() && !o.Mode.query() && !o.Mode.read():
		return fmt.Errorf("unknown benchmark %q", o.Mode)
	case o.Lines < 0:
		return fmt.Errorf("--lines %d must not be negative", o.Lines)
	case o.File == "" && o.Lines > 0 && o.Lines < 1000:
		return fmt.Errorf("--lines must be at least 1000, not %d", o.Lines)
	case o.Warmup < 0 || o.MinReps < 0 || o.MaxReps < 0 || o.CLIRuns < 0:
		return fmt.Errorf("repetition counts must not be negative")
	case o.MinTime < 0:
		return fmt.Errorf("--time %v must not be negative", o.MinTime)
	}
	if _, err := ingest.ParseFormat(string(o.Format)); err != nil {
		return err
	}
	return nil
}

func (o *Options) ensureDefaults() {
	if o.Mode == "" {
		o.Mode = ModeAll
	}
	if o.Lines == 0 {
		o.Lines = 1_000_000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	o.Format, _ = ingest.ParseFormat(string(o.Format))
	if o.Warmup == 0 {
		o.Warmup = 2
	}
	if o.MinReps == 0 {
		o.MinReps = 10
	}
	if o.MinTime == 0 {
		o.MinTime = 2 * time.Second
	}
	if o.MaxReps == 0 {
		o.MaxReps = 1000
	}
	o.MaxReps = max(o.MaxReps, o.MinReps)
	if o.CLIRuns == 0 {
		o.CLIRuns = 5
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Workload returns the synthetic workload the options describe, defaults
// applied: its lines end at End and span the 24 hours before it.
func (o Options) Workload() Workload {
	o.ensureDefaults()
	return Workload{Lines: o.Lines, Seed: o.Seed, Start: o.End.Add(-24 * time.Hour), Span: 24 * time.Hour}
}

package bench

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// A Timing is the distribution of one measured operation's run times.
type Timing struct {
	Name string `json:"name"` // e.g. "word"; the gobench sub-benchmark name
	Kind string `json:"kind"` // "query", "read" or "cli"
	What string `json:"what"` // the query text, read request or command line

	Reps int `json:"reps"` // measured runs
	// Hits is the number of lines found: entry rows, or the count of a
	// "| count", or the sum of the counts of a "| count by". Rows is the
	// number of rows the query returned.
	Hits int64 `json:"hits"`
	Rows int64 `json:"rows"`

	MeanMs float64 `json:"mean_ms"`
	MinMs  float64 `json:"min_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P95Ms  float64 `json:"p95_ms"`
	P99Ms  float64 `json:"p99_ms"`
	MaxMs  float64 `json:"max_ms"`
}

// setSamples fills in the statistics of t from run times.
func (t *Timing) setSamples(ds []time.Duration) {
	t.Reps = len(ds)
	if len(ds) == 0 {
		return
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	// Nearest rank: the smallest sample with at least q of them at or below.
	rank := func(q float64) time.Duration { return s[max(int(math.Ceil(q*float64(len(s))))-1, 0)] }
	t.MeanMs = ms(sum / time.Duration(len(s)))
	t.MinMs, t.MaxMs = ms(s[0]), ms(s[len(s)-1])
	t.P50Ms, t.P95Ms, t.P99Ms = ms(rank(0.50)), ms(rank(0.95)), ms(rank(0.99))
}

// A figure is one query or read of the standard mix.
type figure struct {
	name  string
	kind  string // "query" or "read"
	query string
	read  engine.ReadRequest
	// cli is the command line after `logdb --dir D` that does the same in
	// a whole process; nil for none.
	cli []string
}

// The names of the figures that have targets.
const (
	figWord         = "word"
	figWordCount    = "word_count"
	figLevelJob     = "level_job"
	figWordLastHour = "word_last_hour"
	figCountByLevel = "count_by_level"
	figReadRun      = "run"
	figReadRange    = "range"
)

// queryFigures returns the standard query mix for d: the targets' figures
// first, then a few that show other paths (a label filter, a phrase, a
// regular expression, counts by job and per time bucket, a percentile of
// an extracted number, a rare word the index narrows to one block).
func queryFigures(d *Dataset) []figure {
	w := d.Word
	job := quoteValue(d.Job)
	run := "job=" + job
	if d.Attempt != 0 {
		run += " attempt=" + strconv.Itoa(d.Attempt)
	}
	since := d.Now.Add(-time.Hour).UTC().Format(time.RFC3339Nano)
	fs := []figure{
		{name: figWord, query: w},
		{name: figWordCount, query: w + " | count"},
		{name: figLevelJob, query: "level=Error " + run},
		// In process, since=-1h resolves against d.Now; the whole process
		// resolves it against the clock, so it gets the same bound spelled
		// out.
		{name: figWordLastHour, query: w + " since=-1h", cli: []string{"query", w + " since=" + since}},
		{name: figCountByLevel, query: "| count by level"},
	}
	// Figures of other paths: a label filter, a phrase, a regex, an
	// aggregation. They are written for the workload; on other data they
	// find what they find.
	fs = append(fs,
		figure{name: "label_level", query: "flow=etl-orders level=Warn"},
		figure{name: "phrase", query: `"connection reset"`},
		figure{name: "regexp", query: `/upstream time(d)?out after 30\d{3}ms/`},
		figure{name: "level_count_by_job", query: "level>=Warn | count by job | limit 10"},
		// Answers rather than lines: a count per 5 minutes and level,
		// and the 95th percentile of a number only the message holds.
		figure{name: "stats_5m_level", query: "| stats by (_time:5m, level) count()"},
		figure{name: "p95_extracted", query: `"bytes in" | extract " in <ms>ms" | stats quantile(0.95, ms)`},
	)
	if d.RareWord != "" {
		fs = append(fs, figure{name: "rare_word", query: d.RareWord})
	}
	for i := range fs {
		fs[i].kind = "query"
		if fs[i].cli == nil {
			fs[i].cli = []string{"query", fs[i].query}
		}
	}
	return fs
}

// readFigures returns the reads of one run: all its lines, and lines
// 1000–1100 (or the middle 101 lines of a shorter run).
func readFigures(d *Dataset) []figure {
	all := int(max(d.JobLines, 1))
	from := int64(1000)
	if d.JobLines < 1100 {
		from = max(d.JobLines/2-50, 1)
	}
	attempt := strconv.Itoa(d.Attempt)
	return []figure{
		{name: figReadRun, kind: "read", read: engine.ReadRequest{Job: d.Job, Attempt: d.Attempt, Count: all},
			cli: []string{"read", "--job", d.Job, "--attempt", attempt, "--count", strconv.Itoa(all)}},
		{name: figReadRange, kind: "read", read: engine.ReadRequest{Job: d.Job, Attempt: d.Attempt, From: from, Count: 101},
			cli: []string{"read", "--job", d.Job, "--attempt", attempt, "--from", strconv.FormatInt(from, 10), "--count", "101"}},
	}
}

func (f *figure) what() string {
	if f.kind == "read" {
		return fmt.Sprintf("job=%s attempt=%d lines %d–%d", f.read.Job, f.read.Attempt, max(f.read.From, 1), max(f.read.From, 1)+int64(f.read.Count)-1)
	}
	return f.query
}

// quoteValue quotes a job name for the filter language unless it is a
// plain word.
func quoteValue(s string) string {
	if plainValue.MatchString(s) {
		return s
	}
	return QuotePhrase(s)
}

var plainValue = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.:-]*$`)

// runQuery parses src and runs it to the end, as `logdb query` does
// without writing the rows.
func runQuery(ctx context.Context, db *engine.DB, src string, opts query.Options) (hits, rows int64, err error) {
	q, err := query.Parse(src)
	if err != nil {
		return 0, 0, err
	}
	rs, err := query.Run(ctx, db, q, opts)
	if err != nil {
		return 0, 0, err
	}
	cols := rs.Columns()
	count := -1
	for i, c := range cols {
		if c == "count" {
			count = i
		}
	}
	for rs.Next() {
		rows++
		r := rs.Row()
		switch {
		case r.Kind == query.EntryRow:
			if !r.Context {
				hits++
			}
		case count >= 0:
			n, _ := r.Values[count].(int64)
			hits += n
		}
	}
	return hits, rows, rs.Close()
}

// measure runs f warm, o.Warmup times unmeasured and then at least
// o.MinReps times, and more until o.MinTime has passed or o.MaxReps are
// done.
func measure(ctx context.Context, o *Options, db *engine.DB, d *Dataset, f *figure) (Timing, error) {
	t := Timing{Name: f.name, Kind: f.kind, What: f.what()}
	qopts := query.Options{Now: d.Now, Location: time.UTC}
	once := func() (hits, rows int64, err error) {
		if f.kind == "read" {
			p, err := db.ReadLines(ctx, f.read)
			if err != nil {
				return 0, 0, err
			}
			return int64(len(p.Entries)), int64(len(p.Entries)), nil
		}
		return runQuery(ctx, db, f.query, qopts)
	}
	runtime.GC()
	if err := t.repeat(o, once); err != nil {
		return t, fmt.Errorf("%s: %w", f.what(), err)
	}
	return t, nil
}

// repeat runs once o.Warmup times, then at least o.MinReps times and more
// until o.MinTime has passed or o.MaxReps are done, and records the
// samples and the last run's hits and rows in t.
func (t *Timing) repeat(o *Options, once func() (hits, rows int64, err error)) error {
	for range o.Warmup {
		if _, _, err := once(); err != nil {
			return err
		}
	}
	var samples []time.Duration
	start := time.Now()
	for len(samples) < o.MinReps || (time.Since(start) < o.MinTime && len(samples) < o.MaxReps) {
		t0 := time.Now()
		hits, rows, err := once()
		samples = append(samples, time.Since(t0))
		if err != nil {
			return err
		}
		t.Hits, t.Rows = hits, rows
	}
	t.setSamples(samples)
	return nil
}

// cliLine shows a command line as one would type it.
func cliLine(args []string) string {
	var b strings.Builder
	b.WriteString("logdb")
	for _, a := range args {
		b.WriteByte(' ')
		if plainValue.MatchString(a) || strings.HasPrefix(a, "--") {
			b.WriteString(a)
		} else {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		}
	}
	return b.String()
}

package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
	"github.com/logdb/logdb/query"
)

// A Dataset describes the lines a benchmark loaded and the run and words
// its queries use.
type Dataset struct {
	// Source is "synthetic" for the workload, else the file's path.
	Source string `json:"source"`
	Seed   int64  `json:"seed,omitempty"`
	// File is the file ingested: the workload as JSON lines, or Source.
	File   string `json:"file,omitempty"`
	Format string `json:"format,omitempty"`

	// Lines, Bytes and Runs count the file's lines, bytes and runs, as
	// written (workload) or read before the load (file).
	Lines     int64     `json:"lines"`
	Bytes     int64     `json:"bytes"`
	Runs      int       `json:"runs"`
	FirstTime time.Time `json:"first_time"`
	LastTime  time.Time `json:"last_time"`

	// Word is the word of the word queries; WordLines counts the file's
	// lines that contain it (as grep -iw), -1 when the file was not read.
	Word      string `json:"word"`
	WordLines int64  `json:"word_lines"`

	// The rest comes from the store. Job and Attempt name the run that the
	// run queries and reads use: one of the longest (2000 lines in the
	// workload). RareWord is a request id from that run, for a query the
	// block index can narrow. Now is the newest line's time: relative times
	// (since=-1h) resolve against it, so that "the last hour" is the data's
	// last hour however long the load took.
	Job        string    `json:"job"`
	Attempt    int       `json:"attempt"`
	JobLines   int64     `json:"job_lines"`
	RareWord   string    `json:"rare_word,omitempty"`
	Now        time.Time `json:"now"`
	StoreLines int64     `json:"store_lines"`

	probe      probe  // the last line, to find after the load
	defaultJob string // the job of lines that name none
}

// A probe is the text of the last line the load appends and its job; the
// ingest child queries for it to measure the time until it is searchable.
type probe struct {
	job, text string
}

// probeMax bounds the probe text: a prefix of a longer message is enough
// and keeps the child's command line short.
const probeMax = 200

func newProbe(job, msg string) probe {
	if len(msg) > probeMax {
		i := probeMax
		for i > 0 && msg[i]&0xc0 == 0x80 { // do not cut a UTF-8 sequence
			i--
		}
		msg = msg[:i]
	}
	return probe{job: job, text: msg}
}

// writeWorkload writes the synthetic workload to dir/workload.jsonl.
func writeWorkload(o *Options, dir string) (*Dataset, error) {
	path := filepath.Join(dir, "workload.jsonl")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	word := o.Word
	if word == "" {
		word = "timeout"
	}
	st, err := GenerateJSON(f, o.Workload(), word)
	if err == nil {
		// Write the file back now: its dirty pages flushed during the load
		// would compete with the load's own syncs and slow it down.
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return &Dataset{
		Source: "synthetic", Seed: o.Seed, File: path, Format: string(ingest.FormatJSON),
		Lines: st.Lines, Bytes: st.Bytes, Runs: st.Runs,
		FirstTime: time.Unix(0, st.FirstTime).UTC(), LastTime: time.Unix(0, st.LastTime).UTC(),
		Word: word, WordLines: st.WordLines,
		probe: newProbe(st.Last.Job, st.Last.Message),
	}, nil
}

// DefaultJob returns the job `logdb ingest` gives the lines of path that
// name none: the base name without its extension.
func DefaultJob(path string) string {
	base := filepath.Base(path)
	if job := strings.TrimSuffix(base, filepath.Ext(base)); job != "" {
		return job
	}
	return base
}

// scanFile reads a log file as the load will, to count its lines and runs,
// find its last line, and pick the query word if none is given.
func scanFile(path string, format ingest.Format, word string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	d := &Dataset{Source: path, File: path, Bytes: fi.Size(), defaultJob: DefaultJob(path), WordLines: -1}
	r := ingest.NewReader(f, path, ingest.Options{Format: format, Job: d.defaultJob})
	runs := map[string]struct{}{}
	words := wordCounter{counts: map[string]int64{}}
	first, last := int64(1<<63-1), int64(-1<<63)
	for {
		e, err := r.Read()
		if err == io.EOF {
			break
		}
		var le *ingest.LineError
		if errors.As(err, &le) {
			continue // the load rejects it too
		}
		if err != nil {
			return nil, err
		}
		d.Lines++
		runs[e.Job+"\x00"+fmt.Sprint(e.Attempt)] = struct{}{}
		first, last = min(first, e.Time), max(last, e.Time)
		if strings.TrimSpace(e.Message) != "" {
			d.probe = newProbe(e.Job, e.Message)
		}
		if word != "" {
			if ContainsWord(e.Message, word) {
				words.counts[word]++
			}
		} else if words.add(e.Message); d.Lines == wordSampleLines {
			if w := words.pick(d.Lines); w != "" {
				word = w
				words.counts = map[string]int64{w: words.counts[w]}
			}
		}
	}
	d.Format = string(r.Format())
	d.Runs = len(runs)
	if d.Lines > 0 {
		d.FirstTime, d.LastTime = time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
	}
	if word == "" {
		word = words.pick(d.Lines)
	}
	if word != "" {
		d.Word, d.WordLines = word, words.counts[word]
	}
	return d, nil
}

// wordCounter counts, per word, the lines that contain it. A word here is a
// maximal run of letters, digits, '_' and non-ASCII bytes (the run grep -w
// sees) made of 4 or more ASCII letters, lower-cased.
type wordCounter struct {
	counts map[string]int64
	seen   map[string]struct{} // words of the current line
}

// maxWords bounds the words counted, for huge files of unique tokens.
const maxWords = 1 << 20

// wordSampleLines is how many lines a word is picked from: past them only
// the picked word is counted, which is cheaper than counting every word.
const wordSampleLines = 1_000_000

func (c *wordCounter) add(msg string) {
	if c.seen == nil {
		c.seen = map[string]struct{}{}
	}
	clear(c.seen)
	for i := 0; i < len(msg); {
		if !isWordByte(msg[i]) {
			i++
			continue
		}
		j, letters := i, true
		for ; j < len(msg) && isWordByte(msg[j]); j++ {
			b := msg[j] | 0x20
			letters = letters && 'a' <= b && b <= 'z'
		}
		if letters && j-i >= 4 {
			w := strings.ToLower(msg[i:j])
			if _, dup := c.seen[w]; !dup {
				c.seen[w] = struct{}{}
				if _, ok := c.counts[w]; ok || len(c.counts) < maxWords {
					c.counts[w]++
				}
			}
		}
		i = j
	}
}

// pick returns the word whose share of lines is nearest 0.7%, the share of
// "timeout" in the workload; ties go to the alphabetically first.
func (c *wordCounter) pick(lines int64) string {
	want := 0.007 * float64(lines)
	words := make([]string, 0, len(c.counts))
	for w := range c.counts {
		words = append(words, w)
	}
	sort.Strings(words)
	best, bestDiff := "", 0.0
	for _, w := range words {
		d := float64(c.counts[w]) - want
		if d < 0 {
			d = -d
		}
		if best == "" || d < bestDiff {
			best, bestDiff = w, d
		}
	}
	return best
}

// describeStore fills in the store half of d from db: the run the run
// queries use, the newest line's time, a rare word. It uses the query path
// as the benchmark does, untimed.
func describeStore(ctx context.Context, db *engine.DB, d *Dataset) error {
	st, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	d.StoreLines = st.Lines
	if st.Lines == 0 {
		return errors.New("the store holds no lines")
	}

	// The longest run; "count by" breaks ties by job name, so the choice is
	// the same on every machine.
	rows, err := query.Run(ctx, db, query.MustParse("| count by job, attempt | limit 1"), query.Options{})
	if err != nil {
		return err
	}
	if rows.Next() {
		v := rows.Row().Values
		d.Job, _ = v[0].(string)
		a, _ := v[1].(int64)
		d.Attempt = int(a)
		d.JobLines, _ = v[2].(int64)
	}
	if err := rows.Close(); err != nil {
		return err
	}

	it, err := db.Query(ctx, nil, &engine.QueryOptions{Desc: true, Limit: 1})
	if err != nil {
		return err
	}
	if it.Next() {
		d.Now = it.Entry().Timestamp()
	}
	if err := it.Close(); err != nil {
		return err
	}

	page, err := db.ReadLines(ctx, engine.ReadRequest{Job: d.Job, Attempt: d.Attempt, Count: int(min(d.JobLines, 1<<20))})
	if err != nil {
		return err
	}
	for i := range page.Entries {
		if w := uuidRE.FindString(page.Entries[i].Message); w != "" {
			d.RareWord = w
			break
		}
	}
	return nil
}

// uuidRE finds request ids, the rare words of the workload.
var uuidRE = regexp.MustCompile(`\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)

package bench

import (
	"math"
	"strings"
	"time"
)

// A Report is the result of Run.
type Report struct {
	Command string    `json:"command"` // the Mode
	Time    time.Time `json:"time"`    // when the run started
	Machine Machine   `json:"machine"`
	Dataset Dataset   `json:"dataset"`

	Ingest *IngestResult `json:"ingest,omitempty"`
	// Queries are the queries and reads, in process and warm.
	Queries []Timing `json:"queries,omitempty"`
	// CLI are whole `logdb query` and `logdb read` processes.
	CLI []Timing `json:"cli,omitempty"`
	// Open is opening the store in a fresh process and answering a first
	// query, timed inside that process.
	Open *OpenTiming `json:"open,omitempty"`

	// BenchPeakRSS is the peak RSS of the benchmark's own process, which
	// writes the workload and runs the queries and reads; the load's is in
	// Ingest.
	BenchPeakRSS int64 `json:"bench_peak_rss_bytes"`
	// PreparePeakRSS is the same when the data was ready to load: what
	// writing the workload (streaming) or reading the file took.
	PreparePeakRSS int64 `json:"prepare_peak_rss_bytes,omitempty"`

	// Peer is what the peer measured on the same file, if one ran.
	Peer *PeerResult `json:"peer,omitempty"`

	// Checks are the figures with targets, each beside VictoriaLogs'
	// figure and its target.
	Checks []Check `json:"checks"`
	// Judged says that the Checks' Pass are verdicts: the run measured
	// the synthetic workload at the size the targets were set for
	// (TargetLines), or ran beside the peer on the same file. Otherwise
	// the figures stand beside the targets without verdicts.
	Judged bool     `json:"judged"`
	Notes  []string `json:"notes,omitempty"`
}

// A Check is one figure with VictoriaLogs' figure and its target.
type Check struct {
	Name         string  `json:"name"`
	Title        string  `json:"title"`
	Value        float64 `json:"value"`
	Unit         string  `json:"unit"` // "lines/s", "B/line", "MiB" or "ms"
	VictoriaLogs string  `json:"victorialogs"`
	// Peer is VictoriaLogs' figure when it ran beside logdb, else 0.
	Peer         float64 `json:"peer,omitempty"`
	Target       string  `json:"target"`
	Limit        float64 `json:"limit"`
	HigherBetter bool    `json:"higher_is_better"`
	// Pass says the figure met its target; false when the report is not
	// Judged.
	Pass bool `json:"pass"`
}

// TargetLines is the size of the synthetic workload that the targets, and
// VictoriaLogs' figures beside them, were set for.
const TargetLines = 1_000_000

// judged reports whether rep's figures may be held against the targets.
func judged(rep *Report) bool {
	return rep.Peer != nil || rep.Dataset.Source == "synthetic" && rep.Dataset.Lines == TargetLines
}

// A goal is the target for one figure. VictoriaLogs single-node
// was measured on the project machine with 1,000,000 lines of a workload of
// this shape (see BENCHMARKS.md).
type goal struct {
	name, title, unit string
	vl                string
	limit             float64
	higher            bool
}

var goals = []goal{
	{"ingest_durable", "ingest one client until durable", "lines/s", "240–290k", 300_000, true},
	{"ingest_indexed", "ingest until every line is indexed", "lines/s", "~200k", 200_000, true},
	{"disk_per_line", "bytes on disk per line, index included", "B/line", "47.5", 45, false},
	{"peak_rss", "peak RSS while ingesting", "MiB", "160–330", 256, false},
	{"query_" + figWord, "one word over all lines, all hits", "ms", "~145", 100, false},
	{"query_" + figWordCount, "the word | count", "ms", "~120", 60, false},
	{"query_" + figLevelJob, "level=Error job=X", "ms", "2.3", 1, false},
	{"read_" + figReadRun, "all lines of one run, in order", "ms", "~10", 3, false},
	{"read_" + figReadRange, "lines 1000–1100 of one run", "ms", "4–9", 0.5, false},
	{"query_" + figWordLastHour, "one word in the last hour", "ms", "~11", 5, false},
	{"query_" + figCountByLevel, "| count by level over everything", "ms", "~24", 15, false},
	{"open_first_query", "open the store + first query (whole process)", "ms", "—", 200, false},
}

// checks computes the Checks of the figures rep has, with verdicts only
// if judged(rep).
func checks(rep *Report) []Check {
	cs := allChecks(rep)
	if !judged(rep) {
		for i := range cs {
			cs[i].Pass = false
		}
	}
	return cs
}

// allChecks computes the Checks as if rep were judged.
func allChecks(rep *Report) []Check {
	if rep.Peer != nil {
		return peerChecks(rep)
	}
	values := map[string]float64{}
	if in := rep.Ingest; in != nil {
		values["ingest_durable"] = in.DurableLinesPerSec
		values["ingest_indexed"] = in.IndexedLinesPerSec
		values["disk_per_line"] = in.DiskBytesPerLine
		values["peak_rss"] = float64(in.PeakRSSIndexed) / (1 << 20)
	}
	for _, t := range rep.Queries {
		values[t.Kind+"_"+t.Name] = t.P50Ms
	}
	for _, t := range rep.CLI {
		if t.Name == "query_"+figLevelJob {
			values["open_first_query"] = t.P50Ms
		}
	}
	var cs []Check
	for _, g := range goals {
		v, ok := values[g.name]
		if !ok {
			continue
		}
		c := Check{Name: g.name, Title: g.title, Value: v, Unit: g.unit, VictoriaLogs: g.vl,
			Limit: g.limit, HigherBetter: g.higher}
		if g.higher {
			c.Target = "≥ " + fmtValue(g.limit, g.unit)
			c.Pass = v >= g.limit
		} else {
			c.Target = "≤ " + fmtValue(g.limit, g.unit)
			c.Pass = v <= g.limit
		}
		if g.vl != "—" {
			c.VictoriaLogs = g.vl + " " + g.unit
		}
		cs = append(cs, c)
	}
	return cs
}

// peerChecks computes the Checks against the peer measured in the same
// run: ingest at least 1.25 times its rate until durable, every line
// searchable no later than it makes the last one visible, at most 0.9 times
// its bytes on disk as the load leaves the store, peak RSS within 256 MiB,
// every query in process no slower than it answers over HTTP, and every
// whole logdb process within 30 ms of that.
func peerChecks(rep *Report) []Check {
	p := rep.Peer
	var cs []Check
	add := func(name, title, unit string, v, peer, limit float64, higher bool, target string) {
		c := Check{Name: name, Title: title, Value: v, Unit: unit, VictoriaLogs: fmtValue(peer, unit), Peer: peer,
			Limit: limit, HigherBetter: higher, Target: target}
		if higher {
			c.Pass = v >= limit
		} else {
			c.Pass = v <= limit
		}
		cs = append(cs, c)
	}
	if in := rep.Ingest; in != nil {
		add("ingest_durable", "ingest until durable", "lines/s", in.DurableLinesPerSec, p.IngestLinesPerSec, 1.25*p.IngestLinesPerSec, true, "≥ 1.25×")
		add("searchable", "every line searchable (its index caught up)", "s", in.IndexedSec, p.VisibleSec, p.VisibleSec, false, "≤ 1×")
		lines := math.Max(float64(in.Lines), 1)
		add("disk_per_line", "bytes on disk per line as the load leaves it", "B/line", float64(in.DiskBytesIndexed)/lines, p.DiskBytesPerLine, 0.9*p.DiskBytesPerLine, false, "≤ 0.9×")
		add("peak_rss", "peak RSS while ingesting", "MiB", float64(in.PeakRSSIndexed)/(1<<20), float64(p.PeakRSS)/(1<<20), 256, false, "≤ 256 MiB")
	}
	peer := map[string]float64{}
	for _, t := range p.Queries {
		peer[t.Name] = t.P50Ms
	}
	for _, t := range rep.Queries {
		if v, ok := peer[t.Name]; ok {
			add(t.Kind+"_"+t.Name, t.Kind+" "+t.Name+", in process", "ms", t.P50Ms, v, v, false, "≤ 1×")
		}
	}
	for _, t := range rep.CLI {
		name := strings.TrimPrefix(strings.TrimPrefix(t.Name, "query_"), "read_")
		if v, ok := peer[name]; ok {
			add("cli_"+name, name+", whole process", "ms", t.P50Ms, v, v+30, false, "≤ +30 ms")
		}
	}
	return cs
}

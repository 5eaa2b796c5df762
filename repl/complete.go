package repl

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// Tab completion: \commands and their arguments, the filter language's
// fields and the values they take (levels, time presets, zones), pipes,
// column names, job ids (from Runs) and the label names and values seen in
// results. The candidates never depend on anything slower than one Runs
// call, made at most every few seconds.

// queryFields are the fields of the filter language, completed with their
// operator.
var queryFields = []string{"level=", "level>=", "job=", "attempt=", "line>=", "line<=", "since=", "until=", "during=", "tz="}

// runFields are the fields of a query over runs (\runs).
var runFields = []string{"job=", "attempt=", "kind=", "status=", "exit!=", "duration>", "memory>", "lines>", "errors>", "warnings>", "pinned=", "since=", "until=", "during=", "tz="}

// runStates are the values of status= in \runs.
var runStates = []string{"running", "success", "failed", "waiting", "canceled"}

// duringPresets are the calendar ranges of during=, the console's presets.
var duringPresets = []string{
	"today", "yesterday", "day-before-yesterday", "this-week", "last-week",
	"last-5m", "last-15m", "last-1h", "last-6h", "last-1d", "last-3d", "last-7d", "last-30d",
}

// sincePresets are the relative times offered for since= and until=.
var sincePresets = []string{"-5m", "-15m", "-1h", "-6h", "-1d", "-3d", "-7d", "-30d"}

// pipeNames are the pipes, offered after '|'.
var pipeNames = []string{"sort by ", "limit ", "head ", "offset ", "count", "count by ", "fields ", "context ",
	"stats ", "stats by (", "top ", "uniq by (", "histogram ", "filter ", "unpack_json", "unpack_logfmt",
	"extract ", "extract_regexp ", "field_names", "field_values "}

// statsFuncs are the functions of "| stats", offered after it.
var statsFuncs = []string{"count()", "count(", "count_uniq(", "sum(", "avg(", "min(", "max(", "median(", "quantile(0.95, ", "rate()"}

// timeBuckets are the time buckets offered in "stats by (".
var timeBuckets = []string{"_time:1m", "_time:5m", "_time:1h", "_time:1d"}

// jobsMaxAge is how long the job ids from Runs are used before asking
// again.
const jobsMaxAge = 3 * time.Second

// known holds names seen, for completion.
type known struct {
	jobs     []string         // sorted
	attempts map[string][]int // job → attempts
	jobsAt   time.Time
	labels   map[string]map[string]bool // name → values seen (a few)
}

const (
	maxLabelNames  = 200
	maxLabelValues = 50
)

func (k *known) learn(row *query.Row) {
	if row.Kind == query.EntryRow {
		k.learnLabels(row.Entry.Labels)
	}
}

func (k *known) learnLabels(ls engine.Labels) {
	for _, l := range ls {
		vs := k.labels[l.Name]
		if vs == nil {
			if len(k.labels) >= maxLabelNames {
				continue
			}
			if k.labels == nil {
				k.labels = map[string]map[string]bool{}
			}
			vs = map[string]bool{}
			k.labels[l.Name] = vs
		}
		if len(vs) < maxLabelValues {
			vs[l.Value] = true
		}
	}
}

func (k *known) learnRuns(runs []engine.RunInfo) {
	k.jobs = k.jobs[:0]
	k.attempts = map[string][]int{}
	for _, r := range runs {
		if len(k.jobs) == 0 || k.jobs[len(k.jobs)-1] != r.Job {
			k.jobs = append(k.jobs, r.Job)
		}
		k.attempts[r.Job] = append(k.attempts[r.Job], r.Attempt)
	}
	sort.Strings(k.jobs)
	k.jobs = slices.Compact(k.jobs)
	k.jobsAt = time.Now()
}

// jobs returns the job ids, asking the executor if the last answer is old.
func (s *Shell) jobs() []string {
	if time.Since(s.known.jobsAt) > jobsMaxAge {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if runs, err := s.exec.Runs(ctx); err == nil {
			s.known.learnRuns(runs)
		}
	}
	return s.known.jobs
}

func (s *Shell) labelNames() []string {
	names := make([]string, 0, len(s.known.labels))
	for n := range s.known.labels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Complete returns the completions of the word before position pos (in
// runes) of line, with the text before and after that word: a
// liner.WordCompleter. Set it with (*liner.State).SetWordCompleter.
func (s *Shell) Complete(line string, pos int) (head string, completions []string, tail string) {
	r := []rune(line)
	pos = min(max(pos, 0), len(r))
	before, tail := string(r[:pos]), string(r[pos:])
	start := strings.LastIndexAny(before, " \t\n(,|") + 1
	head, word := before[:start], before[start:]
	return head, s.candidates(before[:start], word), tail
}

// candidates returns the completions of word, typed after text.
func (s *Shell) candidates(text, word string) []string {
	t := strings.TrimLeft(text, " \t")
	if !strings.HasPrefix(t, `\`) {
		if strings.HasPrefix(word, `\`) && strings.TrimSpace(t) == "" {
			return prefixed(commandOrder, word, " ")
		}
		return s.queryCandidates(text, word)
	}
	name, args, _ := strings.Cut(t, " ")
	if a, ok := aliases[name]; ok {
		name = a
	}
	c := commands[name]
	if c == nil {
		return nil
	}
	prev := strings.FieldsFunc(args, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == ',' })
	switch name {
	case `\follow`:
		var out []string
		if len(prev) == 0 {
			out = prefixed(s.jobs(), word, "")
		} else if len(prev) == 1 && slices.Contains(s.jobs(), prev[0]) {
			return s.attemptCandidates(prev[0], word)
		}
		return append(out, s.queryCandidates(args, word)...)
	case `\refresh`:
		if len(prev) == 0 {
			return c.complete(s, prev, word)
		}
		_, q, _ := cutWord(args)
		return s.queryCandidates(q, word)
	case `\runs`:
		return s.completeQuery(args, word, true)
	}
	if c.complete == nil {
		return nil
	}
	return c.complete(s, prev, word)
}

// queryCandidates completes word in a query whose text before it is text.
func (s *Shell) queryCandidates(text, word string) []string {
	return s.completeQuery(text, word, false)
}

// completeQuery completes word in a query over lines, or over runs.
func (s *Shell) completeQuery(text, word string, runs bool) []string {
	if i := lastPipe(text); i >= 0 {
		pf := strings.Fields(strings.ReplaceAll(text[i+1:], ",", " "))
		switch {
		case len(pf) == 0:
			return prefixed(pipeNames, word, "")
		case pf[0] == "fields" || len(pf) >= 2 && pf[1] == "by" && (pf[0] == "count" || pf[0] == "sort"):
			return prefixed(s.fieldNames(), word, "")
		case pf[0] == "sort" && len(pf) == 1:
			return prefixed([]string{"by "}, word, "")
		case pf[0] == "stats" || pf[0] == "top" || pf[0] == "uniq" || pf[0] == "field_values":
			return s.completeStats(pf, word)
		}
		return nil
	}
	for _, op := range []string{"!=", ">=", "<=", "=", ">", "<"} {
		field, value, ok := strings.Cut(word, op)
		if !ok || !isIdent(field) {
			continue
		}
		var values []string
		fold := false
		switch field {
		case "level":
			values, fold = engine.LevelNames(), true
		case "job":
			values = s.jobs()
		case "attempt":
			values = []string{"latest", "-1"}
		case "status":
			values, fold = runStates, true
		case "pinned":
			values = []string{"true", "false"}
		case "since", "until":
			values = sincePresets
		case "during":
			values = duringPresets
		case "tz":
			values = zoneNames
		case "line", "exit", "duration", "memory", "lines", "errors", "warnings", "bytes", "billed":
		default:
			for v := range s.known.labels[field] {
				values = append(values, v)
			}
			sort.Strings(values)
		}
		var out []string
		for _, v := range values {
			if fold && strings.HasPrefix(strings.ToLower(v), strings.ToLower(value)) || !fold && strings.HasPrefix(v, value) {
				out = append(out, field+op+v)
			}
		}
		return out
	}
	var all []string
	if runs {
		all = append(all, runFields...)
	} else {
		all = append(all, queryFields...)
	}
	for _, n := range s.labelNames() {
		all = append(all, n+"=")
	}
	if word != "" && strings.ToUpper(word) == word {
		all = append(all, "NOT ", "OR ", "AND ")
		if runs {
			all = append(all, "HAVING ")
		}
	}
	return prefixed(all, word, "")
}

// completeStats completes word in the stats, top, uniq and field_values
// pipes, whose words so far are pf: fields inside parentheses (and time
// buckets in "stats by ("), else the functions of stats.
func (s *Shell) completeStats(pf []string, word string) []string {
	text := strings.Join(pf, " ")
	open := strings.LastIndexByte(word, '(')
	if open >= 0 || pf[0] == "field_values" || strings.Count(text, "(") > strings.Count(text, ")") {
		names := s.fieldNames()
		if pf[0] == "stats" && strings.HasPrefix(text, "stats by") && !strings.Contains(text, ")") {
			names = append(slices.Clone(timeBuckets), names...)
		}
		var out []string
		for _, n := range prefixed(names, word[open+1:], "") {
			out = append(out, word[:open+1]+n)
		}
		return out
	}
	if pf[0] != "stats" {
		return prefixed([]string{"by ("}, word, "")
	}
	items := statsFuncs
	if len(pf) == 1 || len(pf) == 2 && word != "" {
		items = append([]string{"by ("}, items...)
	}
	return prefixed(items, word, "")
}

// fieldNames are the names a pipe can use: the fields of a line and the
// labels seen.
func (s *Shell) fieldNames() []string {
	return append([]string{"time", "level", "job", "attempt", "line", "msg"}, s.labelNames()...)
}

func (s *Shell) attemptCandidates(job, word string) []string {
	s.jobs()
	out := prefixed([]string{"latest"}, word, "")
	for _, a := range s.known.attempts[job] {
		if v := strconv.Itoa(a); strings.HasPrefix(v, word) {
			out = append(out, v)
		}
	}
	return out
}

// lastPipe returns the index of the last '|' outside quotes in text, or
// -1.
func lastPipe(text string) int {
	last, quoted := -1, false
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case '|':
			if !quoted {
				last = i
			}
		}
	}
	return last
}

// prefixed returns the items that start with word, each with suffix.
func prefixed(items []string, word, suffix string) []string {
	var out []string
	for _, it := range items {
		if strings.HasPrefix(it, word) {
			out = append(out, it+suffix)
		}
	}
	return out
}

// completeRun completes JOB [ATTEMPT] (\read, and \follow's first words).
func completeRun(s *Shell, prev []string, word string) []string {
	switch len(prev) {
	case 0:
		return prefixed(s.jobs(), word, "")
	case 1:
		return s.attemptCandidates(prev[0], word)
	}
	return nil
}

// completeColumns completes a \columns list.
func completeColumns(s *Shell, prev []string, word string) []string {
	names := append(append([]string{"default"}, lineColumns...), s.labelNames()...)
	var out []string
	for _, n := range prefixed(names, word, "") {
		if !slices.Contains(prev, n) {
			out = append(out, n)
		}
	}
	return out
}

// completeExport completes \export [--force] FILE [FORMAT] [JOB [ATTEMPT]].
func completeExport(s *Shell, prev []string, word string) []string {
	if len(prev) > 0 && (prev[0] == "--force" || prev[0] == "-f") {
		prev = prev[1:]
	}
	switch {
	case len(prev) == 0:
		return nil // a file name: the terminal cannot complete it
	case len(prev) == 1:
		return append(prefixed(exportFormats, word, ""), prefixed(s.jobs(), word, "")...)
	case len(prev) == 2 && slices.Contains(exportFormats, prev[1]):
		return prefixed(s.jobs(), word, "")
	case len(prev) == 2:
		return s.attemptCandidates(prev[1], word)
	case len(prev) == 3 && slices.Contains(exportFormats, prev[1]):
		return s.attemptCandidates(prev[2], word)
	}
	return nil
}

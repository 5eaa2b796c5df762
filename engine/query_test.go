package engine_test

import (
	"context"
	"fmt"
	"math/rand"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// The vocabulary of the random logs: case varies, and some words are parts
// of others so that whole-word and substring matches differ.
var vocab = []string{"timeout", "Timeout", "TIMEOUTS", "time", "out", "conn", "connection", "reset",
	"job-52b3", "10.0.0.1", "a@b.c", "key:value", "user_id", "Straße", "naïve", "42", "x"}

var seps = []string{" ", " ", " ", ", ", "=", "-", "/", ".", ":", "(", ")"}

func randomMessage(r *rand.Rand) string {
	var b strings.Builder
	for n := r.Intn(8); n >= 0; n-- {
		b.WriteString(vocab[r.Intn(len(vocab))])
		if n > 0 {
			b.WriteString(seps[r.Intn(len(seps))])
		}
	}
	return b.String()
}

var wordRE = map[string]*regexp.Regexp{}

// model is a naive, independent evaluation of filters over all entries.
func modelMatch(f engine.Filter, e *engine.Entry, latest map[string]int) bool {
	switch f := f.(type) {
	case nil:
		return true
	case engine.AndFilter:
		for _, c := range f {
			if !modelMatch(c, e, latest) {
				return false
			}
		}
		return true
	case engine.OrFilter:
		for _, c := range f {
			if modelMatch(c, e, latest) {
				return true
			}
		}
		return false
	case engine.NotFilter:
		return !modelMatch(f.Filter, e, latest)
	case engine.WordFilter:
		re, ok := wordRE[f.Word]
		if !ok {
			re = regexp.MustCompile(`(?i)(^|[^\pL\pN_])` + regexp.QuoteMeta(f.Word) + `($|[^\pL\pN_])`)
			wordRE[f.Word] = re
		}
		return re.MatchString(e.Message)
	case engine.PhraseFilter:
		return strings.Contains(strings.ToLower(e.Message), strings.ToLower(f.Text))
	case engine.RegexpFilter:
		return f.Regexp.MatchString(e.Message)
	case engine.LevelFilter:
		return e.Level != engine.NoLevel && cmp(f.Op, int64(e.Level), int64(f.Level))
	case engine.JobFilter:
		m, _ := regexp.MatchString("^"+strings.ReplaceAll(regexp.QuoteMeta(f.Pattern), `\*`, ".*")+"$", e.Job)
		return m == (f.Op == engine.Eq)
	case engine.AttemptFilter:
		want := f.Attempt
		if want == engine.Latest {
			want = latest[e.Job]
		} else if want < 0 {
			want += latest[e.Job]
		}
		return cmp(f.Op, int64(e.Attempt), int64(want))
	case engine.LineFilter:
		return cmp(f.Op, e.Line, f.Line)
	case engine.LabelFilter:
		v, ok := e.Labels.Get(f.Name)
		var m bool
		if f.Pattern == "*" {
			m = ok
		} else {
			m, _ = regexp.MatchString("^"+strings.ReplaceAll(regexp.QuoteMeta(f.Pattern), `\*`, ".*")+"$", v)
		}
		return m == (f.Op == engine.Eq)
	case engine.TimeFilter:
		return (f.Since == 0 || e.Time >= f.Since) && (f.Until == 0 || e.Time < f.Until)
	}
	panic(fmt.Sprintf("unknown filter %T", f))
}

func cmp(op engine.Op, a, b int64) bool {
	switch op {
	case engine.Eq:
		return a == b
	case engine.Ne:
		return a != b
	case engine.Lt:
		return a < b
	case engine.Le:
		return a <= b
	case engine.Gt:
		return a > b
	}
	return a >= b
}

var ops = []engine.Op{engine.Eq, engine.Ne, engine.Lt, engine.Le, engine.Gt, engine.Ge}

func randomFilter(r *rand.Rand, depth int) engine.Filter {
	k := r.Intn(14)
	if depth > 2 && k < 3 {
		k += 3
	}
	switch k {
	case 0:
		return engine.AndFilter{randomFilter(r, depth+1), randomFilter(r, depth+1)}
	case 1:
		return engine.OrFilter{randomFilter(r, depth+1), randomFilter(r, depth+1)}
	case 2:
		return engine.Not(randomFilter(r, depth+1))
	case 3, 4:
		return engine.Word(vocab[r.Intn(len(vocab))])
	case 5:
		w := []rune(vocab[r.Intn(len(vocab))])
		i, j := r.Intn(len(w)+1), r.Intn(len(w)+1)
		if i > j {
			i, j = j, i
		}
		if r.Intn(2) == 0 {
			return engine.Phrase(string(w[i:j]))
		}
		w2 := []rune(vocab[r.Intn(len(vocab))])
		return engine.Phrase(string(w[i:]) + seps[r.Intn(len(seps))] + string(w2[:min(j, len(w2))]))
	case 6:
		res := []string{"time(out)?s", "^conn", `\d+$`, "(?i)reset", "conn(ection)? reset", `out time\b`,
			"(?:Time)+out", "TIMEOUT|reset", `user_id[=:]job-52b3`, "Straße", `\Q10.0.0.1\E`}
		return engine.Regexp(regexp.MustCompile(res[r.Intn(len(res))]))
	case 7:
		return engine.LevelFilter{Op: ops[r.Intn(len(ops))], Level: engine.Level(1 + r.Intn(engine.NumLevels-1))}
	case 8:
		return engine.JobFilter{Op: ops[r.Intn(2)], Pattern: []string{"build", "test", "t*", "*d", "none"}[r.Intn(5)]}
	case 9:
		return engine.AttemptFilter{Op: ops[r.Intn(len(ops))], Attempt: []int{0, 1, 2, engine.Latest, -1}[r.Intn(5)]}
	case 10:
		return engine.LineFilter{Op: ops[r.Intn(len(ops))], Line: int64(r.Intn(120))}
	case 11:
		return engine.LabelFilter{Name: []string{"env", "app"}[r.Intn(2)], Op: ops[r.Intn(2)], Pattern: []string{"prod", "dev", "p*", "*", ""}[r.Intn(5)]}
	case 12:
		return engine.TimeFilter{Since: int64(r.Intn(3000)), Until: int64(r.Intn(3000) + 3000)}
	}
	return engine.And(engine.Job([]string{"build", "test"}[r.Intn(2)]), randomFilter(r, depth+1))
}

type corpus struct {
	entries []engine.Entry
	latest  map[string]int
	lines   map[string]int64
}

// fill appends about n random entries to db and to the corpus.
func (c *corpus) fill(t *testing.T, db *engine.DB, r *rand.Rand, n int) {
	ctx := context.Background()
	lines := c.lines
	for n += len(c.entries); len(c.entries) < n; {
		var batch []engine.Entry
		for k := r.Intn(40) + 1; k > 0; k-- {
			job := []string{"build", "test", "deploy"}[r.Intn(3)]
			attempt := r.Intn(3)
			e := engine.Entry{
				Job: job, Attempt: attempt,
				Time:    int64(r.Intn(6000) + 1),
				Level:   engine.Level(r.Intn(engine.NumLevels)),
				Message: randomMessage(r),
			}
			if r.Intn(3) > 0 {
				e.Labels = engine.Labels{{Name: "env", Value: []string{"prod", "dev", "preprod"}[r.Intn(3)]}}
				if r.Intn(2) == 0 {
					e.Labels = append(engine.Labels{{Name: "app", Value: "billing"}}, e.Labels...)
				}
			}
			batch = append(batch, e)
		}
		got, err := db.Append(ctx, batch...)
		if err != nil {
			t.Fatal(err)
		}
		for i := range batch {
			key := fmt.Sprint(batch[i].Job, "/", batch[i].Attempt)
			lines[key]++
			if got[i] != lines[key] {
				t.Fatalf("line %d, want %d", got[i], lines[key])
			}
			batch[i].Line = got[i]
			c.entries = append(c.entries, batch[i])
			if batch[i].Attempt > c.latest[batch[i].Job] {
				c.latest[batch[i].Job] = batch[i].Attempt
			}
		}
	}
}

func less(a, b *engine.Entry) bool {
	if a.Time != b.Time {
		return a.Time < b.Time
	}
	if a.Job != b.Job {
		return a.Job < b.Job
	}
	if a.Attempt != b.Attempt {
		return a.Attempt < b.Attempt
	}
	return a.Line < b.Line
}

func key(e *engine.Entry) string {
	return fmt.Sprintf("%d %s/%d:%d %q", e.Time, e.Job, e.Attempt, e.Line, e.Message)
}

func (c *corpus) check(t *testing.T, db *engine.DB, r *rand.Rand, stage string, queries int) {
	t.Helper()
	ctx := context.Background()
	for q := 0; q < queries; q++ {
		f := randomFilter(r, 0)
		var want []string
		var wantEs []engine.Entry
		for i := range c.entries {
			if modelMatch(f, &c.entries[i], c.latest) {
				wantEs = append(wantEs, c.entries[i])
			}
		}
		desc := r.Intn(2) == 0
		sort.Slice(wantEs, func(i, j int) bool {
			if desc {
				return less(&wantEs[j], &wantEs[i])
			}
			return less(&wantEs[i], &wantEs[j])
		})
		limit := 0
		if r.Intn(3) == 0 {
			limit = r.Intn(10) + 1
			if limit < len(wantEs) {
				wantEs = wantEs[:limit]
			}
		}
		for i := range wantEs {
			want = append(want, key(&wantEs[i]))
		}
		if limit == 0 {
			total, err := db.Count(ctx, f)
			if err != nil {
				t.Fatalf("%s: Count(%v): %v", stage, f, err)
			}
			runs, err := db.CountByRun(ctx, f)
			if err != nil {
				t.Fatalf("%s: CountByRun(%v): %v", stage, f, err)
			}
			got := map[string][engine.NumLevels]int64{}
			for _, r := range runs {
				k := fmt.Sprint(r.Job, "/", r.Attempt)
				if _, dup := got[k]; dup {
					t.Fatalf("%s: CountByRun(%v) lists %s twice", stage, f, k)
				}
				got[k] = r.Levels
			}
			want := map[string][engine.NumLevels]int64{}
			for i := range wantEs {
				k := fmt.Sprint(wantEs[i].Job, "/", wantEs[i].Attempt)
				l := want[k]
				l[wantEs[i].Level]++
				want[k] = l
			}
			if total != int64(len(wantEs)) || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: Count(%v) = %d, by run %v; want %d %v", stage, f, total, got, len(wantEs), want)
			}
		}
		it, err := db.Query(ctx, f, &engine.QueryOptions{Desc: desc, Limit: limit})
		if err != nil {
			t.Fatalf("%s: Query(%v): %v", stage, f, err)
		}
		var got []string
		for it.Next() {
			got = append(got, key(it.Entry()))
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: Query(%v) desc=%v limit=%d:\ngot %d:\n%s\nwant %d:\n%s", stage, f, desc, limit,
				len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
		}
	}
}

// Ensure that Query returns exactly what a naive evaluation of the filter
// over all entries returns, in order, whether the lines sit in unsealed
// tails, in sealed blocks not yet indexed, or in indexed blocks.
func TestDB_Query_MatchesModel(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	opts := &engine.Options{BlockLines: 16, SealAfter: 1 << 40}
	db, err := engine.Open(dir, &engine.Options{BlockLines: 16, SealAfter: 1 << 40, NoIndexer: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &corpus{latest: map[string]int{}, lines: map[string]int64{}}
	c.fill(t, db, r, 1500)
	c.check(t, db, r, "no index, tails", 300)
	if err := db.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.check(t, db, r, "no index, sealed", 300)
	db.Close()

	db = testutil.MustOpenDBAt(t, dir, opts)
	if err := db.WaitIndexed(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.check(t, db, r, "indexed", 400)
	c.fill(t, db, r, 300)
	c.check(t, db, r, "indexed plus tails", 300)
	if err := db.Reindex(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.check(t, db, r, "reindexed", 200)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"
)

// The fault-injection test of the whole store: one bit flipped, a file cut
// short or deleted, in every kind of file of the data directory, then the
// read-side commands run against the damaged copy with the real binary.
// See TestCLI_Corrupt.
var (
	corruptCases = flag.Int("corrupt.cases", 0, "number of seeded cases of TestCLI_Corrupt (default $LOGDB_CORRUPT_CASES, else 100)")
	corruptSeed  = flag.Int64("corrupt.seed", 0, "first seed of TestCLI_Corrupt (default $LOGDB_CORRUPT_SEED, else 1)")
	corruptScale = flag.Int("corrupt.scale", 0, "multiply the lines of TestCLI_Corrupt's store by this (default $LOGDB_CORRUPT_SCALE, else 1)")
	corruptKeep  = flag.String("corrupt.keep", "", "copy the damaged store of each failing case of TestCLI_Corrupt under this directory")
)

// corruptSetting is flag f if set, else the environment variable env, else
// def.
func corruptSetting(f int64, env string, def int64) int64 {
	if f != 0 {
		return f
	}
	if v, err := strconv.ParseInt(os.Getenv(env), 10, 64); err == nil && v != 0 {
		return v
	}
	return def
}

// corruptRun is one run of the store TestCLI_Corrupt damages: lines of
// text with a time and level in front, or JSON lines with labels.
type corruptRun struct {
	job   string
	lines int
	json  bool
	serve bool // appended through logdb serve, which is then killed
}

// corruptRuns are ingested one command each and compacted, so that the
// store has several value-log files (Badger starts one per open) and
// tables; the last goes through a logdb serve that is then killed with
// SIGKILL, so that the store also has a memtable's write-ahead log (.mem)
// and a value log that only it points into, as after a crash.
var corruptRuns = []corruptRun{
	{"build", 3000, false, false},
	{"etl-orders", 12000, true, false},
	{"deploy", 4000, false, false},
	{"api-gateway", 6000, true, false},
	{"nightly", 3000, false, false},
	{"billing", 5000, true, false},
	{"late", 2000, false, true},
}

// corruptWords are the words of generated messages; "deadlock" is the
// rare word the test queries for.
var corruptWords = strings.Fields(`request response handler worker queue cache miss hit
	connection reset refused timeout retry backoff upstream downstream shard replica
	leader follower commit rollback snapshot checkpoint flush compaction segment index
	user order invoice payment session token scope permission denied granted quota
	disk memory cpu thread pool socket buffer overflow latency throughput batch stream`)

var corruptLevels = []string{"TRACE", "DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR", "FATAL"}

// corruptMessage is a message of varied words, ids and numbers, so that the
// blocks compress about as real logs do.
func corruptMessage(r *rand.Rand) string {
	var b strings.Builder
	n := 4 + r.Intn(14)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch k := r.Intn(20); {
		case k < 13:
			b.WriteString(corruptWords[r.Intn(len(corruptWords))])
		case k < 15:
			fmt.Fprintf(&b, "id=%08x%04x", r.Uint32(), r.Intn(1<<16))
		case k < 17:
			fmt.Fprintf(&b, "took %dms", r.Intn(5000))
		case k < 18:
			fmt.Fprintf(&b, "/api/v%d/%s/%d", 1+r.Intn(3), corruptWords[r.Intn(len(corruptWords))], r.Intn(100000))
		case k < 19:
			fmt.Fprintf(&b, "10.%d.%d.%d:%d", r.Intn(256), r.Intn(256), r.Intn(256), 1024+r.Intn(60000))
		default:
			b.WriteString(strings.Repeat(string(rune('a'+r.Intn(26))), 1+r.Intn(40)))
		}
	}
	if r.Intn(300) == 0 {
		b.WriteString(" deadlock detected")
	}
	return b.String()
}

// writeCorruptRun writes the lines of run i, scaled, to a file and returns
// its name and the messages logdb must store.
func writeCorruptRun(t *testing.T, dir string, i int, run corruptRun, scale int) (string, []string) {
	t.Helper()
	r := rand.New(rand.NewSource(int64(1000 + i)))
	base := time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	var b bytes.Buffer
	var msgs []string
	envs := []string{"prod", "staging", "dev"}
	apps := []string{"billing", "search", "auth", "ingest"}
	for n := 0; n < run.lines*scale; n++ {
		ts := base.Add(time.Duration(n) * 37 * time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
		lv := corruptLevels[r.Intn(len(corruptLevels))]
		msg := corruptMessage(r)
		if !run.json {
			line := fmt.Sprintf("%s %s %s", ts, lv, msg)
			if r.Intn(10) == 0 {
				line = msg // no time or level: a continuation line
			}
			b.WriteString(line + "\n")
			msgs = append(msgs, line)
			continue
		}
		obj := map[string]any{"time": ts, "level": strings.ToLower(lv), "msg": msg,
			"env": envs[r.Intn(len(envs))], "app": apps[r.Intn(len(apps))]}
		if r.Intn(5) == 0 {
			obj["region"] = fmt.Sprintf("eu-%d", r.Intn(3))
		}
		line, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
		msgs = append(msgs, msg)
	}
	name := filepath.Join(dir, run.job+".log")
	if run.json {
		name = filepath.Join(dir, run.job+".jsonl")
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return name, msgs
}

// Ensure that one flipped bit, a truncation at any offset or a deleted file,
// in any file of the data directory (value logs, tables, the memtable's
// log, MANIFEST, KEYREGISTRY, DISCARD, the index's files), never makes a
// read-side command panic, hang or print a wrong answer: every command
// gives exactly the undamaged store's answer, or exits with status 1 and an
// error on stderr. A read may print part of a run before its error, but
// only intact lines at their own line numbers, and the error names the
// lines it left out. The commands run in sequence against one damaged
// copy, so each after the first also opens a store that earlier commands
// opened after the damage.
//
// The cases are seeded: -corrupt.cases N (or $LOGDB_CORRUPT_CASES) runs
// more, -corrupt.seed S starts elsewhere, -corrupt.scale K multiplies the
// lines, -corrupt.keep DIR keeps each failing case's damaged store. A seed
// picks the same file and fault each time, but the store's bytes are not
// fixed (a store ID, wall-clock times in run records, when the server is
// killed), so the byte hit may differ between runs; -corrupt.keep keeps
// the exact copy.
func TestCLI_Corrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a store and runs the binary thousands of times")
	}
	began := time.Now()
	ncases := int(corruptSetting(int64(*corruptCases), "LOGDB_CORRUPT_CASES", 100))
	seed0 := corruptSetting(*corruptSeed, "LOGDB_CORRUPT_SEED", 1)
	scale := int(corruptSetting(int64(*corruptScale), "LOGDB_CORRUPT_SCALE", 1))

	pristine, msgs := buildCorruptStore(t, scale)
	files := corruptFiles(t, pristine)
	built := time.Now()
	cmds := corruptCommands()
	want := corruptBaseline(t, pristine, cmds, msgs)
	// A copy without damage must pass the checks, or they are wrong.
	if c := runCorruptCase(pristine, cmds, want, corruptFault{op: "none"}); len(c.problems) > 0 {
		t.Fatalf("the undamaged store fails the checks: %s: %s", c.problems[0].cmd, c.problems[0].what)
	}

	results := make([]corruptCaseResult, ncases)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(1, runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := pickCorruptFault(seed0+int64(i), files)
				results[i] = runCorruptCase(pristine, cmds, want, f)
			}
		}()
	}
	for i := 0; i < ncases; i++ {
		next <- i
	}
	close(next)
	wg.Wait()

	failed := 0
	for _, c := range results {
		if len(c.problems) > 0 {
			failed++
		}
		if testing.Verbose() {
			t.Logf("%s: %s", c.fault, c.summary())
		}
	}
	t.Log(corruptTally(results))
	t.Logf("store of %d files built in %v; %d cases of %d commands in %v on %d workers",
		len(files), built.Sub(began).Round(time.Millisecond), ncases, len(cmds),
		time.Since(built).Round(time.Millisecond), runtime.GOMAXPROCS(0))
	if failed == 0 {
		return
	}
	if *corruptKeep != "" {
		keepCorruptCases(t, *corruptKeep, pristine, results)
	}
	t.Errorf("%d of %d cases failed:\n%s", failed, ncases, corruptReport(results))
}

// buildCorruptStore writes corruptRuns' lines into a new store and returns
// its directory, never opened again, and each run's messages.
func buildCorruptStore(t *testing.T, scale int) (string, map[string][]string) {
	t.Helper()
	src := t.TempDir()
	store := filepath.Join(t.TempDir(), "store")
	msgs := map[string][]string{}
	ingest := func(env []string, i int, run corruptRun) {
		name, m := writeCorruptRun(t, src, i, run, scale)
		msgs[run.job] = m
		args := []string{"--dir", store, "ingest", "--job", run.job, "--progress=false"}
		if run.json {
			args = append(args, "--format", "json")
		}
		if r := runBin(t, "", env, append(args, name)...); r.code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", run.job, r.code, r.stderr)
		}
	}
	i := 0
	for ; i < len(corruptRuns) && !corruptRuns[i].serve; i++ {
		ingest(nil, i, corruptRuns[i])
	}
	if r := runBin(t, "", nil, "--dir", store, "compact"); r.code != 0 {
		t.Fatalf("compact: exit %d: %s", r.code, r.stderr)
	}
	if i < len(corruptRuns) {
		srv := startServe(t, store, nil, "--rate", "0")
		env := []string{"LOGDB_SERVER=" + srv.addr}
		for ; i < len(corruptRuns); i++ {
			ingest(env, i, corruptRuns[i])
		}
		run := corruptRuns[len(corruptRuns)-1].job
		if r := runBin(t, "", env, "run", "finish", "--job", run, "--status", "failed", "--exit", "3", "--message", "killed"); r.code != 0 {
			t.Fatalf("run finish: exit %d: %s", r.code, r.stderr)
		}
		if err := srv.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		srv.cmd.Wait()
	}
	return store, msgs
}

// A corruptFile is one file of the store that a case may damage.
type corruptFile struct {
	rel     string // path in the store
	kind    string // see corruptKind
	size    int64
	dataEnd int64 // just after the last byte that is not zero
}

// corruptKind names the kind of file rel (a path in the store) is, or ""
// for one not to damage.
func corruptKind(rel string) string {
	base := filepath.Base(rel)
	switch {
	case base == "LOCK":
		return ""
	case strings.HasPrefix(rel, "index"+string(filepath.Separator)):
		switch filepath.Ext(base) {
		case ".zap":
			return "index-zap"
		case ".bolt":
			return "index-bolt"
		case ".json":
			return "index-meta"
		}
		return "index-other"
	case base == "MANIFEST", base == "KEYREGISTRY", base == "DISCARD":
		return base
	case rel == "OPEN":
		return "open-mark"
	}
	switch filepath.Ext(base) {
	case ".vlog":
		return "vlog"
	case ".sst":
		return "sst"
	case ".mem":
		return "mem"
	}
	return "other"
}

// corruptWeights make the files that hold lines come up more often.
var corruptWeights = map[string]int{"vlog": 3, "sst": 2, "mem": 2}

// corruptFiles lists the files of the store, in order, and fails unless
// every kind the test means to damage is there (a memtable log only if
// Badger left one).
func corruptFiles(t *testing.T, store string) []corruptFile {
	t.Helper()
	var files []corruptFile
	err := filepath.WalkDir(store, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(store, p)
		kind := corruptKind(rel)
		if kind == "" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		end := len(b)
		for end > 0 && b[end-1] == 0 {
			end--
		}
		files = append(files, corruptFile{rel: rel, kind: kind, size: int64(len(b)), dataEnd: int64(end)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range files {
		count[f.kind]++
	}
	for _, k := range []string{"vlog", "sst", "MANIFEST", "KEYREGISTRY", "DISCARD", "index-zap", "index-bolt", "index-meta"} {
		if count[k] == 0 {
			t.Fatalf("the store has no %s file to damage: %v", k, count)
		}
	}
	if count["mem"] == 0 {
		t.Logf("the killed server left no memtable log (.mem) to damage: %v", count)
	}
	if count["vlog"] < 3 {
		t.Fatalf("the store should have several value logs: %v", count)
	}
	return files
}

// A corruptFault is what one case does to the store.
type corruptFault struct {
	seed   int64
	file   corruptFile
	op     string // flip, truncate, delete; none for the undamaged copy
	offset int64  // flip: the byte; truncate: the new size
	bit    uint
}

func (f corruptFault) String() string {
	switch f.op {
	case "flip":
		return fmt.Sprintf("seed %d: %s: flip bit %d of byte %d of %d", f.seed, f.file.rel, f.bit, f.offset, f.file.size)
	case "truncate":
		return fmt.Sprintf("seed %d: %s: truncate to %d of %d bytes", f.seed, f.file.rel, f.offset, f.file.size)
	case "delete":
		return fmt.Sprintf("seed %d: %s: delete (%d bytes)", f.seed, f.file.rel, f.file.size)
	}
	return "no damage"
}

// pickCorruptFault picks a kind of file (weighted), one file of it, and a
// fault: a bit flip (6 in 10), a truncation (3 in 10) or deleting the file.
// Offsets fall, 3 times in 4, before the file's trailing zeros (Badger
// preallocates DISCARD and memtable logs).
func pickCorruptFault(seed int64, files []corruptFile) corruptFault {
	r := rand.New(rand.NewSource(seed))
	byKind := map[string][]corruptFile{}
	var kinds []string
	for _, f := range files {
		if byKind[f.kind] == nil {
			kinds = append(kinds, f.kind)
		}
		byKind[f.kind] = append(byKind[f.kind], f)
	}
	sort.Strings(kinds)
	total := 0
	for _, k := range kinds {
		total += max(1, corruptWeights[k])
	}
	n := r.Intn(total)
	kind := kinds[0]
	for _, k := range kinds {
		if n -= max(1, corruptWeights[k]); n < 0 {
			kind = k
			break
		}
	}
	f := corruptFault{seed: seed, file: byKind[kind][r.Intn(len(byKind[kind]))]}
	limit := f.file.size
	if f.file.dataEnd < limit && r.Intn(4) > 0 {
		limit = f.file.dataEnd
	}
	switch x := r.Intn(10); {
	case limit == 0 || x == 9:
		f.op = "delete"
	case x < 6:
		f.op, f.offset, f.bit = "flip", r.Int63n(limit), uint(r.Intn(8))
	default:
		f.op, f.offset = "truncate", r.Int63n(limit)
	}
	return f
}

// apply does f to the copy of the store in dir.
func (f corruptFault) apply(dir string) error {
	p := filepath.Join(dir, f.file.rel)
	switch f.op {
	case "flip":
		fp, err := os.OpenFile(p, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer fp.Close()
		b := []byte{0}
		if _, err := fp.ReadAt(b, f.offset); err != nil {
			return err
		}
		b[0] ^= 1 << f.bit
		if _, err := fp.WriteAt(b, f.offset); err != nil {
			return err
		}
		return fp.Close()
	case "truncate":
		return os.Truncate(p, f.offset)
	case "delete":
		return os.Remove(p)
	}
	return nil
}

// copyCorruptStore copies the store in src to dst, keeping runs of zeros
// as holes: Badger preallocates its memtable logs and the value log it
// writes, and a killed server leaves them at full size.
func copyCorruptStore(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copySparse(p, target)
	})
}

func copySparse(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	buf := make([]byte, 64<<10)
	var size int64
	for {
		n, err := io.ReadFull(in, buf)
		if n > 0 {
			if bytes.Count(buf[:n], []byte{0}) == n {
				_, err2 := out.Seek(int64(n), io.SeekCurrent)
				if err2 != nil {
					return err2
				}
			} else if _, err2 := out.Write(buf[:n]); err2 != nil {
				return err2
			}
			size += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := out.Truncate(size); err != nil {
		return err
	}
	return out.Close()
}

// How TestCLI_Corrupt judges a command's answer on a damaged store against
// the undamaged store's.
type corruptCheck int

const (
	// checkRead: one run's lines as -o json. Exactly the original, or,
	// with an error, intact lines at their own numbers, in order, and an
	// error naming the line ranges left out.
	checkRead corruptCheck = iota
	// checkLines: exactly the original, or, with an error, some of its
	// lines and no others.
	checkLines
	// checkCount: exactly the original, or an error.
	checkCount
	// checkStats: stats -o json's counts exactly the original (not the
	// directory, sizes on disk or the index's progress), or an error.
	checkStats
)

// A corruptCmd is one command run against every damaged copy.
type corruptCmd struct {
	name  string // as the report shows it
	args  []string
	check corruptCheck
}

// corruptCommands are the commands of each case, in the order they run:
// the read of every run, queries, runs and stats, and stats and a count
// again to open the store once more after all of them.
func corruptCommands() []corruptCmd {
	cmds := []corruptCmd{
		{"stats", []string{"stats", "-o", "json"}, checkStats},
		{"runs", []string{"runs", "-o", "json"}, checkLines},
		{"count", []string{"query", "-o", "json", "| count"}, checkCount},
		{"count by level", []string{"query", "-o", "json", "| count by level"}, checkCount},
		{"word", []string{"query", "-o", "json", "deadlock"}, checkLines},
		{"word count", []string{"query", "-o", "json", "timeout | count"}, checkCount},
	}
	for _, run := range corruptRuns {
		cmds = append(cmds, corruptCmd{"read " + run.job, []string{"read", "-o", "json", "--count", "1000000", "--job", run.job}, checkRead})
	}
	return append(cmds,
		corruptCmd{"stats again", []string{"stats", "-o", "json"}, checkStats},
		corruptCmd{"count again", []string{"query", "-o", "json", "| count"}, checkCount})
}

// corruptCmdTimeout is how long one command may take before it counts as
// hung.
const corruptCmdTimeout = 60 * time.Second

// runCorruptCmd runs the binary on the store in dir.
func runCorruptCmd(dir string, args []string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), corruptCmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, logdbBin, append([]string{"--dir", dir}, args...)...)
	cmd.Env = append(os.Environ(), "LOGDB_SERVER=", "LOGDB_DIR=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	r := result{out.String(), errb.String(), 0}
	if ctx.Err() != nil {
		return r, fmt.Errorf("hung: killed after %v", corruptCmdTimeout)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		return r, err
	}
	return r, nil
}

// corruptBaseline runs cmds against a copy of the undamaged store and
// returns their answers, after checking them against what was ingested.
func corruptBaseline(t *testing.T, pristine string, cmds []corruptCmd, msgs map[string][]string) []result {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	if err := copyCorruptStore(pristine, dir); err != nil {
		t.Fatal(err)
	}
	want := make([]result, len(cmds))
	total := 0
	for _, m := range msgs {
		total += len(m)
	}
	for i, c := range cmds {
		r, err := runCorruptCmd(dir, c.args)
		if err != nil || r.code != 0 {
			t.Fatalf("%s on the undamaged store: exit %d, %v: %s", c.name, r.code, err, r.stderr)
		}
		want[i] = r
		switch {
		case c.name == "count" && r.stdout != fmt.Sprintf("{\"count\":%d}\n", total):
			t.Fatalf("count on the undamaged store: %q, want %d lines", r.stdout, total)
		case c.check == checkRead:
			job := strings.TrimPrefix(c.name, "read ")
			lines := splitLines(r.stdout)
			if len(lines) != len(msgs[job]) {
				t.Fatalf("%s: %d lines, %d were ingested", c.name, len(lines), len(msgs[job]))
			}
			for n, l := range lines {
				var e struct {
					Line int64
					Msg  string
				}
				if err := json.Unmarshal([]byte(l), &e); err != nil || e.Line != int64(n+1) || e.Msg != msgs[job][n] {
					t.Fatalf("%s: line %d is %s (%v), want message %q", c.name, n+1, l, err, msgs[job][n])
				}
			}
		case c.check == checkLines && r.stdout == "":
			t.Fatalf("%s on the undamaged store printed nothing", c.name)
		}
	}
	return want
}

// A corruptProblem is a command's answer that breaks the rules.
type corruptProblem struct {
	cmd  string
	what string
}

// corruptCaseResult is what one case saw.
type corruptCaseResult struct {
	fault    corruptFault
	outcomes []string // per command: "exact", or the error's first line
	problems []corruptProblem
}

func (c corruptCaseResult) summary() string {
	exact, errs := 0, []string{}
	for _, o := range c.outcomes {
		switch {
		case o == "exact":
			exact++
		case !strings.HasPrefix(o, "BAD "):
			errs = append(errs, o)
		}
	}
	s := fmt.Sprintf("%d exact, %d errors, %d bad", exact, len(errs), len(c.problems))
	if len(errs) > 0 {
		s += fmt.Sprintf(" (first error: %s)", clip(errs[0], 300))
	}
	if len(c.problems) > 0 {
		s += fmt.Sprintf("; FAILED: %s: %s", c.problems[0].cmd, c.problems[0].what)
	}
	return s
}

// runCorruptCase copies the store, does f to the copy and runs cmds on it.
func runCorruptCase(pristine string, cmds []corruptCmd, want []result, f corruptFault) corruptCaseResult {
	c := corruptCaseResult{fault: f}
	tmp, err := os.MkdirTemp("", "logdb-corrupt")
	if err != nil {
		c.problems = append(c.problems, corruptProblem{"setup", err.Error()})
		return c
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "store")
	if err := copyCorruptStore(pristine, dir); err != nil {
		c.problems = append(c.problems, corruptProblem{"setup", err.Error()})
		return c
	}
	if err := f.apply(dir); err != nil {
		c.problems = append(c.problems, corruptProblem{"setup", err.Error()})
		return c
	}
	for i, cmd := range cmds {
		r, err := runCorruptCmd(dir, cmd.args)
		what := ""
		if err != nil {
			what = err.Error()
		} else {
			what = judgeCorrupt(cmd, want[i], r)
		}
		if what != "" {
			c.problems = append(c.problems, corruptProblem{cmd.name, what})
		}
		switch {
		case what != "":
			c.outcomes = append(c.outcomes, "BAD "+cmd.name+": "+what)
		case r.code == 0:
			c.outcomes = append(c.outcomes, "exact")
		default:
			c.outcomes = append(c.outcomes, fmt.Sprintf("%s: exit %d: %s", cmd.name, r.code, firstLine(r.stderr)))
		}
	}
	return c
}

// crashMarkers are what the Go runtime prints when the process dies.
var crashMarkers = []string{"panic:", "goroutine ", "SIGBUS", "SIGSEGV", "unexpected fault address", "fatal error:"}

// judgeCorrupt returns what is wrong with got, cmd's answer on a damaged
// store, or "".
func judgeCorrupt(cmd corruptCmd, want, got result) string {
	at := -1
	for _, m := range crashMarkers {
		if i := strings.Index(got.stderr, m); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at >= 0 {
		return fmt.Sprintf("crashed, exit %d: %s", got.code, clip(firstLine(got.stderr[at:]), 200))
	}
	switch {
	case got.code < 0:
		return "killed by a signal"
	case got.code == 0 && cmd.check == checkStats:
		return compareStats(want.stdout, got.stdout)
	case got.code == 0 && got.stdout != want.stdout:
		return "exit 0 but " + diffCorrupt(cmd, want.stdout, got.stdout)
	case got.code == 0:
		return ""
	case got.code != 1:
		return fmt.Sprintf("exit %d (want 0 or 1): %s", got.code, clip(firstLine(got.stderr), 200))
	case strings.TrimSpace(got.stderr) == "":
		return "exit 1 with nothing on stderr"
	}
	// An error: what was printed before it must be right.
	switch cmd.check {
	case checkLines:
		orig := map[string]bool{}
		for _, l := range splitLines(want.stdout) {
			orig[l] = true
		}
		for _, l := range splitLines(got.stdout) {
			if !orig[l] {
				return fmt.Sprintf("a line the store does not hold, then an error: %s (error: %s)", clip(l, 160), clip(firstLine(got.stderr), 160))
			}
		}
	case checkRead:
		return judgeRead(want.stdout, got)
	}
	return ""
}

// judgeRead checks a read that failed: every line printed must be the
// original line of its number, in increasing order, and when lines are
// missing the error must name line ranges of the run that cover them (unless
// it names so many that it elides some).
func judgeRead(want string, got result) string {
	orig := splitLines(want)
	lines := splitLines(got.stdout)
	seen := make([]bool, len(orig)+1)
	last := int64(0)
	job := ""
	for _, l := range lines {
		var e struct {
			Line    int64
			Job     string
			Attempt int
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			return fmt.Sprintf("an unreadable line, then an error: %s", clip(l, 160))
		}
		switch {
		case e.Line < 1 || e.Line > int64(len(orig)):
			return fmt.Sprintf("line %d, which the run does not have, then an error: %s", e.Line, clip(l, 160))
		case orig[e.Line-1] != l:
			return fmt.Sprintf("a wrong line %d, then an error: got %s, want %s", e.Line, clip(l, 120), clip(orig[e.Line-1], 120))
		case e.Line <= last:
			return fmt.Sprintf("line %d after line %d", e.Line, last)
		}
		last, seen[e.Line] = e.Line, true
		job = fmt.Sprintf("%s/%d", e.Job, e.Attempt)
	}
	if len(lines) == 0 {
		return "" // an error and nothing else
	}
	if !damageRangeRx.MatchString(got.stderr) {
		return fmt.Sprintf("%d of %d lines, then an error that names no line range: %s", len(lines), len(orig), clip(firstLine(got.stderr), 200))
	}
	if strings.Contains(got.stderr, "more ranges") {
		return ""
	}
	var named [][2]int64
	for _, m := range damageRangeRx.FindAllStringSubmatch(got.stderr, -1) {
		if m[3] != job {
			continue
		}
		first, _ := strconv.ParseInt(m[1], 10, 64)
		lastN := first
		if m[2] != "" {
			lastN, _ = strconv.ParseInt(m[2], 10, 64)
		}
		named = append(named, [2]int64{first, lastN})
	}
	for n := int64(1); n <= int64(len(orig)); n++ {
		if seen[n] {
			continue
		}
		covered := false
		for _, r := range named {
			covered = covered || r[0] <= n && n <= r[1]
		}
		if !covered {
			end := n
			for end < int64(len(orig)) && !seen[end+1] {
				end++
			}
			return fmt.Sprintf("%d of %d lines; lines %d-%d are missing but the error does not name them: %s", len(lines), len(orig), n, end, clip(firstLine(got.stderr), 200))
		}
	}
	return ""
}

// damageRangeRx matches a DamagedRange as engine prints it: "lines 1-5 of
// job/0" or "line 7 of job/0".
var damageRangeRx = regexp.MustCompile(`\blines? (\d+)(?:-(\d+))? of (\S+/\d+)`)

// diffCorrupt says how got, printed with exit status 0, differs from want.
func diffCorrupt(cmd corruptCmd, want, got string) string {
	w, g := splitLines(want), splitLines(got)
	if cmd.check == checkRead {
		byLine := map[int64]string{}
		for _, l := range g {
			var e struct{ Line int64 }
			if json.Unmarshal([]byte(l), &e) != nil {
				return fmt.Sprintf("an unreadable line: %s", clip(l, 160))
			}
			byLine[e.Line] = l
		}
		var missing []int64
		for n, l := range w {
			gl, ok := byLine[int64(n+1)]
			switch {
			case !ok:
				missing = append(missing, int64(n+1))
			case gl != l:
				return fmt.Sprintf("line %d is wrong: got %s, want %s", n+1, clip(gl, 120), clip(l, 120))
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("%d of %d lines silently missing (%s)", len(missing), len(w), lineRanges(missing))
		}
		return fmt.Sprintf("%d lines, want %d", len(g), len(w))
	}
	for i := 0; i < len(w) || i < len(g); i++ {
		switch {
		case i >= len(g):
			return fmt.Sprintf("%d lines, want %d: missing %s", len(g), len(w), clip(w[i], 160))
		case i >= len(w):
			return fmt.Sprintf("%d lines, want %d: extra %s", len(g), len(w), clip(g[i], 160))
		case g[i] != w[i]:
			return fmt.Sprintf("got %s, want %s", clip(g[i], 160), clip(w[i], 160))
		}
	}
	return "different output"
}

// compareStats compares the counts of two stats -o json outputs.
func compareStats(want, got string) string {
	var w, g map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		return err.Error()
	}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		return fmt.Sprintf("exit 0 but unreadable stats: %s", clip(got, 160))
	}
	var diffs []string
	for _, k := range []string{"runs", "jobs", "lines", "bytes", "blocks", "unsealed_lines"} {
		if fmt.Sprint(w[k]) != fmt.Sprint(g[k]) {
			diffs = append(diffs, fmt.Sprintf("%s %v, want %v", k, g[k], w[k]))
		}
	}
	if len(diffs) > 0 {
		return "exit 0 but " + strings.Join(diffs, ", ")
	}
	return ""
}

// lineRanges renders sorted line numbers as "3-7, 9".
func lineRanges(ns []int64) string {
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.FormatInt(ns[i], 10))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", ns[i], ns[j]))
		}
		i = j + 1
	}
	if len(parts) > 5 {
		parts = append(parts[:5], fmt.Sprintf("and %d more ranges", len(parts)-5))
	}
	return strings.Join(parts, ", ")
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// corruptTally counts the cases and their outcomes by kind of file and
// fault.
func corruptTally(results []corruptCaseResult) string {
	type tally struct{ cases, failed, exact, errs, problems int }
	byKey := map[string]*tally{}
	var keys []string
	for _, c := range results {
		k := c.fault.file.kind + " " + c.fault.op
		if byKey[k] == nil {
			byKey[k] = &tally{}
			keys = append(keys, k)
		}
		tl := byKey[k]
		tl.cases++
		if len(c.problems) > 0 {
			tl.failed++
		}
		tl.problems += len(c.problems)
		for _, o := range c.outcomes {
			switch {
			case o == "exact":
				tl.exact++
			case !strings.HasPrefix(o, "BAD "):
				tl.errs++
			}
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nFILE FAULT\tCASES\tFAILED\tCOMMANDS EXACT\tERRORS\tBAD ANSWERS")
	for _, k := range keys {
		tl := byKey[k]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", k, tl.cases, tl.failed, tl.exact, tl.errs, tl.problems)
	}
	tw.Flush()
	return b.String()
}

// corruptReport is the table of every failing command of every case.
func corruptReport(results []corruptCaseResult) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tKIND\tFILE\tFAULT\tOFFSET\tCOMMAND\tWHAT WENT WRONG")
	for _, c := range results {
		f := c.fault
		fault := f.op
		if f.op == "flip" {
			fault = fmt.Sprintf("flip bit %d", f.bit)
		}
		offset := fmt.Sprintf("%d/%d", f.offset, f.file.size)
		if f.op == "delete" {
			offset = "-"
		}
		for _, p := range c.problems {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", f.seed, f.file.kind, f.file.rel, fault, offset, p.cmd, p.what)
		}
	}
	tw.Flush()
	return b.String()
}

// keepCorruptCases copies the undamaged store and, for each failing case,
// the store damaged as the case damaged it, under dir.
func keepCorruptCases(t *testing.T, dir, pristine string, results []corruptCaseResult) {
	if err := copyCorruptStore(pristine, filepath.Join(dir, "pristine")); err != nil {
		t.Logf("cannot keep the store: %v", err)
		return
	}
	for _, c := range results {
		if len(c.problems) == 0 {
			continue
		}
		d := filepath.Join(dir, fmt.Sprintf("seed-%d", c.fault.seed))
		if err := copyCorruptStore(pristine, d); err != nil {
			t.Logf("cannot keep seed %d: %v", c.fault.seed, err)
			continue
		}
		if err := c.fault.apply(d); err != nil {
			t.Logf("cannot keep seed %d: %v", c.fault.seed, err)
		}
	}
	t.Logf("damaged stores kept in %s", dir)
}

package query

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// TestExecScripts runs the behaviour scripts in testdata/exec against a real
// engine: each file gets a fresh engine.Open(t.TempDir(), nil).
//
// A script is a list of commands separated by blank lines; lines starting
// with '#' between commands are comments:
//
//	options now=2025-03-20T10:30:00Z tz=UTC
//
//	ingest
//	job/attempt time level [name=value …] | message
//	----
//
//	query [now=…] [tz=…]
//	the query, one or more lines
//	----
//	expected rows, one per line
//
// options sets Options.Now and Options.Location for the queries after it
// (defaults: the Unix epoch and UTC). ingest appends its lines in order, so
// line numbers count from 1 per run in the order given; level "-" means
// none. query runs its query and compares the rows, formatted as by
// formatRow: "job/attempt:line level msg" for hits, '-' instead of ':' for
// context lines, "--" for separators, "col=value …" for records (times in
// RFC 3339 in UTC). A query that fails expects the single line
// "error: <first line of the error>".
//
// The expected rows are worked out by hand from the ingested lines, never
// copied from a run.
func TestExecScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/exec/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".test"), func(t *testing.T) {
			runScript(t, file)
		})
	}
}

// skipIfTODO skips the test while the engine's storage is being written:
// its methods return errors saying "TODO" until then.
func skipIfTODO(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "TODO") {
		t.Skipf("engine not implemented yet: %v", err)
	}
}

type scriptCmd struct {
	line  int
	name  string
	args  map[string]string
	input []string
	want  []string
}

func readScript(t *testing.T, file string) []scriptCmd {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var cmds []scriptCmd
	for i := 0; i < len(lines); {
		if l := lines[i]; l == "" || strings.HasPrefix(l, "#") {
			i++
			continue
		}
		fields := strings.Fields(lines[i])
		c := scriptCmd{line: i + 1, name: fields[0], args: map[string]string{}}
		for _, a := range fields[1:] {
			k, v, ok := strings.Cut(a, "=")
			if !ok {
				t.Fatalf("%s:%d: bad argument %q", file, i+1, a)
			}
			c.args[k] = v
		}
		i++
		if c.name == "options" {
			cmds = append(cmds, c)
			continue
		}
		for i < len(lines) && lines[i] != "----" {
			c.input = append(c.input, lines[i])
			i++
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: %s without ----", file, c.line, c.name)
		}
		i++
		for i < len(lines) && lines[i] != "" {
			c.want = append(c.want, lines[i])
			i++
		}
		cmds = append(cmds, c)
	}
	return cmds
}

func runScript(t *testing.T, file string) {
	cmds := readScript(t, file)
	ctx := context.Background()
	db, err := engine.Open(t.TempDir(), nil)
	skipIfTODO(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	opts := Options{Now: time.Unix(0, 0).UTC(), Location: time.UTC}
	for _, c := range cmds {
		where := fmt.Sprintf("%s:%d", file, c.line)
		switch c.name {
		case "options":
			opts = scriptOptions(t, where, opts, c.args)
		case "ingest":
			entries := make([]engine.Entry, len(c.input))
			for i, l := range c.input {
				entries[i] = parseIngestLine(t, fmt.Sprintf("%s:%d", file, c.line+1+i), l)
			}
			_, err := db.Append(ctx, entries...)
			skipIfTODO(t, err)
			if err != nil {
				t.Fatalf("%s: append: %v", where, err)
			}
		case "query":
			src := strings.Join(c.input, "\n")
			got := runScriptQuery(t, ctx, db, src, scriptOptions(t, where, opts, c.args))
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("%s: %s\ngot:\n  %s\nwant:\n  %s", where, src, strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		default:
			t.Fatalf("%s: unknown command %q", where, c.name)
		}
	}
}

func scriptOptions(t *testing.T, where string, o Options, args map[string]string) Options {
	for k, v := range args {
		switch k {
		case "now":
			now, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				t.Fatalf("%s: now: %v", where, err)
			}
			o.Now = now
		case "tz":
			loc, err := ParseZone(v)
			if err != nil {
				t.Fatalf("%s: tz: %v", where, err)
			}
			o.Location = loc
		default:
			t.Fatalf("%s: unknown option %q", where, k)
		}
	}
	return o
}

func runScriptQuery(t *testing.T, ctx context.Context, db *engine.DB, src string, opts Options) []string {
	q, err := Parse(src)
	if err != nil {
		return []string{"error: " + strings.SplitN(err.Error(), "\n", 2)[0]}
	}
	rows, err := Run(ctx, db, q, opts)
	skipIfTODO(t, err)
	if err != nil {
		return []string{"error: " + strings.SplitN(err.Error(), "\n", 2)[0]}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		out = append(out, formatRow(rows.Row(), time.UTC))
	}
	if err := rows.Err(); err != nil {
		skipIfTODO(t, err)
		out = append(out, "error: "+strings.SplitN(err.Error(), "\n", 2)[0])
	}
	return out
}

// parseIngestLine reads "job/attempt time level [name=value …] | message".
func parseIngestLine(t *testing.T, where, l string) engine.Entry {
	head, msg, ok := strings.Cut(l, " | ")
	if !ok {
		t.Fatalf("%s: want job/attempt time level [labels] | message: %q", where, l)
	}
	f := strings.Fields(head)
	if len(f) < 3 {
		t.Fatalf("%s: want job/attempt time level [labels] | message: %q", where, l)
	}
	i := strings.LastIndexByte(f[0], '/')
	if i < 0 {
		t.Fatalf("%s: want job/attempt, not %q", where, f[0])
	}
	attempt, err := strconv.Atoi(f[0][i+1:])
	if err != nil {
		t.Fatalf("%s: attempt: %v", where, err)
	}
	tm, err := time.Parse(time.RFC3339Nano, f[1])
	if err != nil {
		t.Fatalf("%s: time: %v", where, err)
	}
	e := engine.Entry{Job: f[0][:i], Attempt: attempt, Time: tm.UnixNano(), Message: msg}
	if f[2] != "-" {
		e.Level = engine.MustParseLevel(f[2])
	}
	labels := map[string]string{}
	for _, kv := range f[3:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("%s: label %q without =", where, kv)
		}
		labels[k] = v
	}
	e.Labels = engine.LabelsFromMap(labels)
	return e
}

package repl

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that \read shows a page of a run and \next the following pages by
// cursor, also lines appended after the read, and says when there is
// nothing to continue.
func TestShell_ReadNext(t *testing.T) {
	db := fixtureDB(t)
	lines := make(chan string, 8)
	term := &fakeTerm{lines: lines}
	out, errb := &syncBuffer{}, &syncBuffer{}
	sh := New(NewLocal(db), term, out)
	sh.Err, sh.Location = errb, time.UTC
	done := make(chan error, 1)
	go func() { done <- sh.Run(context.Background()) }()

	lines <- `\next`
	lines <- `\read deploy 1 1 1`
	lines <- `\next`
	lines <- `\next`
	waitFor(t, "the pages", func() bool { return len(term.Prompts()) == 5 })
	mustAppend(t, db, engine.Entry{Job: "deploy", Attempt: 1, Message: "reconnected"})
	lines <- `\next`
	lines <- `\read nosuch`
	close(lines)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := "error: nothing to continue: \\read a run first\nretrying after connection reset\nconnection reset by peer\nreconnected\n" +
		"error: engine: run not found: job \"nosuch\" has no runs\n"
	if got := out.String(); got != want {
		t.Fatalf("out = %q, want %q", got, want)
	}
	if e := errb.String(); !strings.Contains(e, `nothing to continue`) || !strings.Contains(e, `run not found`) || sh.Failures() != 2 {
		t.Fatalf("err = %q, failures %d", e, sh.Failures())
	}
}

// Ensure that \read on a terminal numbers the lines and says where the
// page is and what comes next.
func TestShell_Read_TTY(t *testing.T) {
	st := newShell(t, fixtureDB(t), `\read build 0 2 3`, `\next`, `\read deploy`)
	st.sh.TTY = true
	st.run(t)
	for _, want := range []string{
		"#  TIME                     LEVEL  RUN        MSG\n1  2025-03-20 10:00:01.000  Warn   build/0:2  cache miss for key abc\n",
		"build/0 lines 2–4 of 6 (failed) · \\next for more\n",
		"build/0 lines 5–6 of 6 (failed)\n",
		"deploy/1 lines 1–2 of 2 (running) · \\next for new lines, \\follow deploy 1 to tail it\n",
	} {
		if !strings.Contains(st.out.String(), want) {
			t.Errorf("out lacks %q:\n%s", want, st.out)
		}
	}
}

// Ensure that \detail shows a line of the last result whole, with its run,
// labels and neighbouring lines, and \context the lines around it.
func TestShell_DetailContext(t *testing.T) {
	st := newShell(t, fixtureDB(t), `\detail 1`, `level>=Warn`, `\detail 2`, `\context 2 1`, `\detail 9`, `\format json`, `\context 1 0`)
	st.run(t)
	want := `error: no result yet: run a query or \read first
cache miss for key abc
compile failed: timeout after 30s
retrying after connection reset
connection reset by peer
#        2 of 4
time     2025-03-20 10:00:05.000000000 +00:00 UTC
level    Error
run      build/0, line 4 of 6 (failed)
labels   app=billing
         env=prod
message  compile failed: timeout after 30s

  2  Warn   cache miss for key abc
  3         compiling 42 files
> 4  Error  compile failed: timeout after 30s
  5
  6  Info   done
compiling 42 files
compile failed: timeout after 30s

error: no line #9 in the last result (it has 4)
{"time":"2025-03-20T10:00:01.000000000Z","level":"Warn","job":"build","attempt":0,"line":2,"msg":"cache miss for key abc","app":"billing"}
`
	if got := st.out.String(); got != want {
		t.Fatalf("out:\n%s\nwant:\n%s", got, want)
	}
	if e := st.err.String(); !strings.Contains(e, "no result yet") || !strings.Contains(e, "no line #9 in the last result (it has 4)") {
		t.Fatalf("err = %q", e)
	}

	// In another zone, \detail gives the time in UTC too.
	st = newShell(t, fixtureDB(t), `\tz +08:00`, `level=Error | limit 1`, `\detail 1`)
	st.run(t)
	if want := "time     2025-03-20 18:00:05.000000000 +08:00  (2025-03-20T10:00:05Z)\n"; !strings.Contains(st.out.String(), want) {
		t.Fatalf("out lacks %q:\n%s", want, st.out)
	}
}

// Ensure that \context in a table marks the line with > among its
// neighbours.
func TestShell_Context_Table(t *testing.T) {
	st := newShell(t, fixtureDB(t), `\format table`, `\columns run,msg`, `job=build level=Error`, `\context 1 1`)
	st.run(t)
	want := `#  RUN        MSG
1  build/0:4  compile failed: timeout after 30s
   RUN        MSG
   build/0:3  compiling 42 files
>  build/0:4  compile failed: timeout after 30s
   build/0:5
`
	if got := st.out.String(); got != want {
		t.Fatalf("out:\n%s\nwant:\n%s", got, want)
	}
}

// Ensure that \export writes the last result in the format of the file's
// extension or the one named, and a whole run when one is named.
func TestShell_Export(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	st := newShell(t, fixtureDB(t),
		`\export `+p("none.csv"),
		`level>=Warn job=build`,
		`\export `+p("warn.csv"),
		`\export "`+p("warn 2.log")+`"`,
		`\export `+p("warn.out")+` json`,
		`\export `+p("build.log")+` build`,
		`\export `+p("deploy.json")+` json deploy 0`,
		`\export `+p("nosuch.log")+` nosuch`,
		`\export `+filepath.Join(dir, "missing", "x.log"),
	)
	st.run(t)
	read := func(name string) string {
		b, err := os.ReadFile(p(name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for name, want := range map[string]string{
		"warn.csv": "time,level,job,attempt,line,msg,labels\n" +
			`2025-03-20T10:00:01.000000000Z,Warn,build,0,2,cache miss for key abc,"{""app"":""billing""}"` + "\n" +
			`2025-03-20T10:00:05.000000000Z,Error,build,0,4,compile failed: timeout after 30s,"{""app"":""billing"",""env"":""prod""}"` + "\n",
		"warn 2.log": "cache miss for key abc\ncompile failed: timeout after 30s\n",
		"warn.out": `{"time":"2025-03-20T10:00:01.000000000Z","level":"Warn","job":"build","attempt":0,"line":2,"msg":"cache miss for key abc","app":"billing"}` + "\n" +
			`{"time":"2025-03-20T10:00:05.000000000Z","level":"Error","job":"build","attempt":0,"line":4,"msg":"compile failed: timeout after 30s","app":"billing","env":"prod"}` + "\n",
		"build.log": "starting build\ncache miss for key abc\ncompiling 42 files\ncompile failed: timeout after 30s\n\ndone\n",
	} {
		if got := read(name); got != want {
			t.Errorf("%s:\n%s\nwant:\n%s", name, got, want)
		}
	}
	if got := strings.Count(read("deploy.json"), "\n"); got != 3 || !strings.Contains(read("deploy.json"), `"msg":"pushing image"`) {
		t.Errorf("deploy.json: %s", read("deploy.json"))
	}
	e := st.err.String()
	if !strings.Contains(e, "nothing to export") || !strings.Contains(e, "run not found") || !strings.Contains(e, "cannot write") || st.sh.Failures() != 3 {
		t.Errorf("err = %q, failures %d", e, st.sh.Failures())
	}
	// Failed exports leave nothing behind.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "build.log deploy.json warn 2.log warn.csv warn.out" {
		t.Errorf("files: %s", got)
	}
}

// Ensure that \export refuses a file in the store's directory, with or
// without --force, and keeps an existing file unless --force is given.
func TestShell_Export_Refuses(t *testing.T) {
	db := fixtureDB(t)
	manifest := filepath.Join(db.Dir(), "data", "MANIFEST")
	before, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(t.TempDir(), "mine.log")
	if err := os.WriteFile(mine, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := newShell(t, db, `job=build`, `\export `+manifest, `\export --force `+manifest, `\export `+mine)
	st.sh.Protect = []string{db.Dir()}
	st.run(t)
	e := st.err.String()
	if strings.Count(e, "inside a protected directory") != 2 || !strings.Contains(e, "use --force to overwrite it") || st.sh.Failures() != 3 {
		t.Fatalf("err = %q, failures %d", e, st.sh.Failures())
	}
	if after, _ := os.ReadFile(manifest); !bytes.Equal(after, before) {
		t.Fatal("the store's MANIFEST changed")
	}
	if b, _ := os.ReadFile(mine); string(b) != "keep me\n" {
		t.Fatalf("mine.log = %q", b)
	}
	st = newShell(t, db, `job=build`, `\export --force `+mine)
	st.run(t)
	if b, _ := os.ReadFile(mine); strings.Count(string(b), "\n") != 6 || st.err.String() != "" {
		t.Fatalf("--force wrote %q; err %q", b, st.err)
	}
}

// Ensure that \export of a result cut by \maxrows runs the query again and
// writes all of it.
func TestShell_Export_Rerun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all.log")
	st := newShell(t, fixtureDB(t), `\maxrows 2`, `job=build`, `\export `+path)
	st.sh.TTY = true
	st.run(t)
	if !strings.Contains(st.out.String(), "(2 rows shown, more matched") {
		t.Fatalf("out:\n%s", st.out)
	}
	b, _ := os.ReadFile(path)
	if got := strings.Count(string(b), "\n"); got != 6 {
		t.Fatalf("exported %d lines, want 6:\n%s", got, b)
	}
	if !strings.Contains(st.out.String(), "wrote 6 rows to "+path+" (raw)") {
		t.Fatalf("out:\n%s", st.out)
	}
}

// Ensure that \runs lists runs with a query over their records, newest
// first, and \stats describes the store.
func TestShell_RunsStats(t *testing.T) {
	st := newShell(t, fixtureDB(t),
		`\format table`,
		`\runs status=failed`,
		`\runs job=deploy | fields job, attempt, status, lines`,
		`\format raw`,
		`\runs | count by status`,
		`\runs status=bogus`,
		`\stats`,
	)
	st.run(t)
	out := st.out.String()
	for _, want := range []string{
		"JOB    ATTEMPT  STATUS  START                DURATION  LINES  ERRORS  EXIT  MESSAGE\n",
		"build        0  failed  ", "       8s      6       1     2  compile error\n",
		"JOB     ATTEMPT  STATUS   LINES\ndeploy        1  running      2\ndeploy        0  success      3\n",
		"failed\t1\n", "running\t1\n", "success\t1\n",
		"runs           3 in 2 jobs\nlines          11\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("out lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(st.err.String(), "bogus") || st.sh.Failures() != 1 {
		t.Errorf("err = %q", st.err)
	}
}

// Ensure that \follow JOB shows the run's last lines, then every line
// appended while it follows, each once and in order, and ends with the
// run's final state when another goroutine finishes it.
func TestShell_FollowRun(t *testing.T) {
	db := fixtureDB(t)
	for i := 1; i <= 15; i++ {
		mustAppend(t, db, engine.Entry{Job: "live", Message: fmt.Sprintf("line %d", i)})
	}
	st := newShell(t, db, `\follow live`, `level=Error | count`)
	go func() {
		waitFor(t, "the backlog", func() bool { return strings.Contains(st.out.String(), "line 15\n") })
		for i := 16; i <= 515; i += 5 {
			var es []engine.Entry
			for j := i; j < i+5; j++ {
				es = append(es, engine.Entry{Job: "live", Message: fmt.Sprintf("line %d", j)})
			}
			if _, err := db.Append(context.Background(), es...); err != nil {
				t.Error(err)
				return
			}
		}
		if err := db.FinishRun(context.Background(), "live", 0, engine.RunResult{Status: engine.Failed, ExitCode: 3, Message: "out of memory", Duration: 1500 * time.Millisecond}); err != nil {
			t.Error(err)
		}
	}()
	st.run(t)
	var want strings.Builder
	for i := 6; i <= 515; i++ {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	want.WriteString("2\n")
	if got := st.out.String(); got != want.String() {
		t.Fatalf("out:\n%s", got)
	}
	if got, w := st.err.String(), "live/0 failed · exit 3: out of memory · 515 lines in 1.5s\n"; got != w {
		t.Fatalf("err = %q, want %q", got, w)
	}
}

// Ensure that \follow of a finished run shows its last lines and how it
// ended, and that on a terminal it says what it follows.
func TestShell_FollowRun_Finished(t *testing.T) {
	st := newShell(t, fixtureDB(t), `\follow build 0`, `\follow nosuch 3`)
	st.sh.TTY = true
	st.sh.Format = "table"
	st.run(t)
	want := `following build/0 (failed, 6 lines) · Ctrl-C stops
2025-03-20 10:00:00.000  Info   build/0:1  starting build
2025-03-20 10:00:01.000  Warn   build/0:2  cache miss for key abc
2025-03-20 10:00:02.000         build/0:3  compiling 42 files
2025-03-20 10:00:05.000  Error  build/0:4  compile failed: timeout after 30s
2025-03-20 10:00:06.000         build/0:5
2025-03-20 10:00:07.000  Info   build/0:6  done
build/0 failed · exit 2: compile error · 6 lines in 8s

`
	if got := st.out.String(); got != want {
		t.Fatalf("out:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(st.err.String(), "run not found") {
		t.Fatalf("err = %q", st.err)
	}
}

// Ensure that \follow of a run waiting to start waits for it to start,
// then follows it to its end.
func TestShell_FollowRun_Waiting(t *testing.T) {
	db := fixtureDB(t)
	if _, err := db.StartRun(context.Background(), engine.RunSpec{Job: "later", Waiting: true}); err != nil {
		t.Fatal(err)
	}
	st := newShell(t, db, `\follow later`)
	go func() {
		time.Sleep(200 * time.Millisecond) // the shell is following by now
		mustAppend(t, db, engine.Entry{Job: "later", Level: engine.Info, Message: "started at last"})
		if err := db.FinishRun(context.Background(), "later", 0, engine.RunResult{Status: engine.Success}); err != nil {
			t.Error(err)
		}
	}()
	st.run(t)
	if out := st.out.String() + st.err.String(); !strings.Contains(out, "started at last") || !strings.Contains(out, "later/0 success") {
		t.Fatalf("output = %q", out)
	}
}

// Ensure that \follow QUERY shows the last matching lines, then new
// matching lines of any run, new runs included, until Ctrl-C, after which
// the shell goes on.
func TestShell_FollowQuery(t *testing.T) {
	db := fixtureDB(t)
	st := newShell(t, db, `\follow level>=Error`, `\format raw`, `job=new | count`)
	intr := make(chan os.Signal, 1)
	st.sh.Interrupt = intr
	go func() {
		waitFor(t, "the backlog", func() bool { return strings.Contains(st.out.String(), "connection reset by peer\n") })
		mustAppend(t, db,
			engine.Entry{Job: "deploy", Attempt: 1, Level: engine.Info, Message: "not shown"},
			engine.Entry{Job: "deploy", Attempt: 1, Level: engine.Fatal, Message: "deploy aborted"},
		)
		mustAppend(t, db, engine.Entry{Job: "new", Level: engine.Error, Message: "new run failed"})
		waitFor(t, "the live lines", func() bool { return strings.Contains(st.out.String(), "new run failed\n") })
		intr <- os.Interrupt
	}()
	st.run(t)
	want := "compile failed: timeout after 30s\nconnection reset by peer\ndeploy aborted\nnew run failed\n1\n"
	if got := st.out.String(); got != want {
		t.Fatalf("out = %q, want %q", got, want)
	}
	if st.err.String() != "" || st.sh.Failures() != 0 {
		t.Fatalf("err = %q", st.err)
	}
}

// Ensure that \follow QUERY refuses pipes.
func TestShell_FollowQuery_Pipes(t *testing.T) {
	st := newShell(t, fixtureDB(t), `\follow level=Error | count`)
	st.run(t)
	if !strings.Contains(st.err.String(), "without pipes") {
		t.Fatalf("err = %q", st.err)
	}
}

// Ensure that \refresh runs its query every interval, with fresh results,
// until Ctrl-C, and that the shell goes on afterwards.
func TestShell_Refresh(t *testing.T) {
	db := fixtureDB(t)
	st := newShell(t, db, `\refresh 100ms level=Error | count`, `\refresh 1ms x`, `\refresh 1s level=`, `level=Error | count`)
	intr := make(chan os.Signal, 1)
	st.sh.Interrupt = intr
	go func() {
		waitFor(t, "a first run", func() bool { return strings.Contains(st.out.String(), "\n2\n") })
		mustAppend(t, db, engine.Entry{Job: "x", Level: engine.Error, Message: "boom"})
		waitFor(t, "a later run", func() bool { return strings.Contains(st.out.String(), "\n3\n") })
		intr <- os.Interrupt
	}()
	st.run(t)
	out := lines(st.out.String())
	if len(out) < 5 || !strings.HasPrefix(out[0], "every 100ms: level=Error | count · ") || out[1] != "2" || out[len(out)-1] != "3" {
		t.Fatalf("out:\n%s", st.out)
	}
	if e := st.err.String(); !strings.Contains(e, "too short") || !strings.Contains(e, "1:7:") || st.sh.Failures() != 2 {
		t.Fatalf("err = %q, failures %d", e, st.sh.Failures())
	}
}

// Ensure that \refresh on a terminal clears the screen before each run.
func TestShell_Refresh_TTY(t *testing.T) {
	st := newShell(t, fixtureDB(t), `\refresh 100ms level=Error | count`)
	st.sh.TTY = true
	intr := make(chan os.Signal, 1)
	st.sh.Interrupt = intr
	go func() {
		waitFor(t, "two runs", func() bool { return strings.Count(st.out.String(), "\x1b[H\x1b[2J") >= 2 })
		intr <- os.Interrupt
	}()
	st.run(t)
	if out := st.out.String(); !strings.Contains(out, "· Ctrl-C stops\nCOUNT\n    2\n\x1b[H\x1b[2J") || !strings.HasSuffix(out, "stopped refreshing\n\n") {
		t.Fatalf("out = %q", out)
	}
}

// Ensure that \help lists every command and explains one, and that the
// settings commands report their state.
func TestShell_HelpSettings(t *testing.T) {
	st := newShell(t, fixtureDB(t), `\help`, `\help follow`, `\h \nosuch`, `\tz +08:00`, `\tz`, `\maxrows 5`, `\maxrows`, `\pager off`, `\maxrows x`)
	st.run(t)
	out := st.out.String()
	for name := range commands {
		if !strings.Contains(out, name) {
			t.Errorf("\\help lacks %s", name)
		}
	}
	for _, want := range []string{`\follow nightly-etl 3`, "tz +08:00\n", "maxrows 5\n", "Examples:"} {
		if !strings.Contains(out, want) {
			t.Errorf("out lacks %q", want)
		}
	}
	for _, l := range lines(out) {
		if len([]rune(l)) > 80 {
			t.Errorf("\\help is wider than 80 columns: %q", l)
		}
	}
	if st.sh.pagerOn || st.sh.Failures() != 2 {
		t.Errorf("pager %v, failures %d: %s", st.sh.pagerOn, st.sh.Failures(), st.err)
	}
}

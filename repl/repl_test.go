package repl

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/query"
)

// Ensure that a script gets the count alone: echo 'level=Error | count' |
// logdb repl prints just the number.
func TestShell_Script_Count(t *testing.T) {
	st := newShell(t, fixtureDB(t), "level=Error | count")
	st.run(t)
	if got := st.out.String(); got != "2\n" {
		t.Fatalf("out = %q, want %q", got, "2\n")
	}
	if st.err.String() != "" || st.sh.Failures() != 0 {
		t.Fatalf("err = %q, failures %d", st.err, st.sh.Failures())
	}
}

// Ensure that each format prints the rows as package output does, and that
// \format without an argument tells the current one.
func TestShell_Formats(t *testing.T) {
	st := newShell(t, fixtureDB(t),
		`\format`,
		`level=Error`,
		`\format json`,
		`level=Error | limit 1`,
		`\format csv`,
		`level=Error | count by job`,
		`\format table`,
		`level>=Warn job=build`,
		`level=Error | count by job`,
		`\format xml`,
	)
	st.run(t)
	want := `format raw
compile failed: timeout after 30s
connection reset by peer
{"time":"2025-03-20T10:00:05.000000000Z","level":"Error","job":"build","attempt":0,"line":4,"msg":"compile failed: timeout after 30s","app":"billing","env":"prod"}
job,count
build,1
deploy,1
#  TIME                     LEVEL  RUN        MSG
1  2025-03-20 10:00:01.000  Warn   build/0:2  cache miss for key abc
2  2025-03-20 10:00:05.000  Error  build/0:4  compile failed: timeout after 30s
JOB     COUNT
build       1
deploy      1
error: unknown format "xml" (want one of chart, csv, json, raw, short, table)
`
	if got := st.out.String(); got != want {
		t.Fatalf("out:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(st.err.String(), `unknown format "xml"`) || st.sh.Failures() != 1 {
		t.Fatalf("err = %q, failures %d", st.err, st.sh.Failures())
	}
}

// Ensure that \columns chooses the table's columns, labels included, and
// that \columns default restores them.
func TestShell_Columns(t *testing.T) {
	st := newShell(t, fixtureDB(t),
		`\format table`,
		`\columns line,level,app,msg`,
		`job=build level>=Warn`,
		`\columns`,
		`\columns time,,"`,
		`\columns default`,
		`job=deploy attempt=1 level=Error`,
	)
	st.run(t)
	want := `#  LINE  LEVEL  APP      MSG
1     2  Warn   billing  cache miss for key abc
2     4  Error  billing  compile failed: timeout after 30s
columns line,level,app,msg
error: bad column name "\"" (want time, level, run, job, attempt, line, labels, msg or a label name)
#  TIME                     LEVEL  RUN         MSG
1  2025-03-20 10:00:21.000  Error  deploy/1:2  connection reset by peer
`
	if got := st.out.String(); got != want {
		t.Fatalf("out:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(st.err.String(), `bad column name`) {
		t.Fatalf("err = %q", st.err)
	}
}

// Ensure that a mistake prints the query with a caret under it, and the
// shell carries on with the next statement.
func TestShell_ErrorCaret(t *testing.T) {
	st := newShell(t, fixtureDB(t), `level=Bogus timeout`, `level=Error | count`, `\nosuch`)
	st.run(t)
	wantErr := `error: 1:7: unknown level "Bogus" (want one of Trace, Debug, Info, Warn, Error, Fatal or an alias such as warning, err, E)
level=Bogus timeout
      ^
error: unknown command \nosuch (\help lists them)
`
	if got := st.err.String(); got != wantErr {
		t.Fatalf("err:\n%s\nwant:\n%s", got, wantErr)
	}
	// The output has a marker line in place of each failed statement's
	// answer, so that a script's answers stay in step.
	wantOut := `error: 1:7: unknown level "Bogus" (want one of Trace, Debug, Info, Warn, Error, Fatal or an alias such as warning, err, E)
2
error: unknown command \nosuch (\help lists them)
`
	if got := st.out.String(); got != wantOut {
		t.Fatalf("out = %q, want %q", got, wantOut)
	}
	if st.sh.Failures() != 2 {
		t.Fatalf("failures = %d, want 2", st.sh.Failures())
	}
}

// Ensure that an open parenthesis, an open quote or a trailing pipe
// continues the statement with the …> prompt, that the error of a
// multi-line query points into the right line, and that Ctrl-C at a
// continuation prompt drops the statement.
func TestShell_MultiLine(t *testing.T) {
	st := newShell(t, fixtureDB(t),
		`(timeout`,
		`  OR "connection`,
		`reset")`,
		`level=Error |`,
		`count`,
		`(level=Error`,
		ctrlC,
		`(deployed`,
		`OR level=Nope)`,
		`\refresh 1s (a`,
		ctrlC,
	)
	st.run(t)
	want := "compile failed: timeout after 30s\n2\n" +
		`error: 2:10: unknown level "Nope" (want one of Trace, Debug, Info, Warn, Error, Fatal or an alias such as warning, err, E)` + "\n"
	if got := st.out.String(); got != want {
		t.Fatalf("out = %q, want %q", got, want)
	}
	more := 0
	for _, p := range st.term.Prompts() {
		if p == promptMore {
			more++
		}
	}
	if more != 6 {
		t.Fatalf("prompts %q: %d continuation prompts, want 6", st.term.Prompts(), more)
	}
	wantErr := "error: 2:10: unknown level \"Nope\""
	if !strings.HasPrefix(st.err.String(), wantErr) || !strings.Contains(st.err.String(), "\nOR level=Nope)\n         ^\n") {
		t.Fatalf("err:\n%s", st.err)
	}
	if h := st.term.history; len(h) == 0 || h[0] != `(timeout OR "connection reset")` {
		t.Fatalf("history %q", h)
	}
}

// Ensure that a phrase across lines keeps working: the newline joins the
// lines, and "connection\nreset" does not match, but the shell reports no
// error for it.
func TestShell_NeedsMore(t *testing.T) {
	s := New(nil, scripted(), nil)
	for _, tc := range []struct {
		text string
		more bool
	}{
		{`level=Error`, false},
		{`(a OR b`, true},
		{`"open phrase`, true},
		{`a |`, true},
		{`a | count by`, true},
		{`a OR`, true},
		{`a)`, false},
		{`a) (`, false},
		{`level=Bogus`, false},
		{`\follow (a OR`, true},
		{`\follow build`, false},
		{`\refresh 5s (a`, true},
		{`\read "build`, false},
		{`\runs status=failed HAVING (a`, true},
		{``, false},
	} {
		if got := s.needsMore(tc.text); got != tc.more {
			t.Errorf("needsMore(%q) = %v, want %v", tc.text, got, tc.more)
		}
	}
}

// Ensure that \quit ends the shell and what follows is not run.
func TestShell_Quit(t *testing.T) {
	st := newShell(t, fixtureDB(t), `level=Error | count`, `\q`, `level=Warn | count`)
	st.run(t)
	if got := st.out.String(); got != "2\n" {
		t.Fatalf("out = %q", got)
	}
}

// blockingExec is an Executor whose queries wait until cancelled, as a
// long query over a large store would.
type blockingExec struct {
	*Local
	started chan struct{}
}

func (b blockingExec) Query(ctx context.Context, q *query.Query, opts query.Options) (Rows, error) {
	close(b.started)
	<-ctx.Done()
	return nil, ctx.Err()
}

// Ensure that Ctrl-C while a query runs cancels the query, not the shell.
func TestShell_CancelQuery(t *testing.T) {
	db := fixtureDB(t)
	lines := make(chan string, 2)
	lines <- `level=Error`
	term := &fakeTerm{lines: lines}
	out, errb := &syncBuffer{}, &syncBuffer{}
	exec := blockingExec{Local: NewLocal(db), started: make(chan struct{})}
	sh := New(exec, term, out)
	sh.Err = errb
	intr := make(chan os.Signal, 1)
	sh.Interrupt = intr
	done := make(chan error, 1)
	go func() { done <- sh.Run(context.Background()) }()
	<-exec.started
	intr <- os.Interrupt
	lines <- `\stats`
	close(lines)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the shell did not go on after Ctrl-C")
	}
	if errb.String() != "cancelled\n" || sh.Failures() != 0 {
		t.Fatalf("err = %q, failures %d", errb, sh.Failures())
	}
	if !strings.Contains(out.String(), "runs           3 in 2 jobs") {
		t.Fatalf("out = %q", out)
	}
}

// Ensure that a cancelled Run context ends Run with its error.
func TestShell_ContextDone(t *testing.T) {
	st := newShell(t, fixtureDB(t), `level=Error`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.sh.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
}

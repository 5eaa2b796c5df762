package main

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// Ensure that the page keeps the last n rows, oldest first, as copies that
// outlive the row the query reuses, and counts all it saw.
func TestLastPage(t *testing.T) {
	for _, tt := range []struct{ n, add int }{{3, 0}, {3, 2}, {3, 3}, {3, 7}, {1, 5}} {
		p := newLastPage(tt.n)
		var e engine.Entry
		row := query.Row{Kind: query.EntryRow, Entry: &e}
		for i := 1; i <= tt.add; i++ {
			e = engine.Entry{Job: "j", Line: int64(i), Labels: engine.Labels{{Name: "k", Value: fmt.Sprint(i)}}}
			p.add(&row)
		}
		if tt.add > 0 {
			e.Labels[0].Value = "reused"
		}
		var got, want []string
		for _, r := range p.rows() {
			got = append(got, fmt.Sprintf("%d:%s", r.Entry.Line, r.Entry.Labels[0].Value))
		}
		for i := max(tt.add-tt.n+1, 1); i <= tt.add; i++ {
			want = append(want, fmt.Sprintf("%d:%d", i, i))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || p.seen != int64(tt.add) {
			t.Errorf("n=%d, %d added: rows %v, seen %d; want %v", tt.n, tt.add, got, p.seen, want)
		}
	}
	if got := newLastPage(2).hint(); got != "(all 0 lines; logdb query QUERY narrows them)" {
		t.Errorf("hint of an empty page: %q", got)
	}
	for h, want := range map[int]int{0: 21, 30: 27, 4: 1, 1: 1} {
		if got := pageRows(h); got != want {
			t.Errorf("pageRows(%d) = %d, want %d", h, got, want)
		}
	}
}

// Ensure that logdb query without a query, its output not a terminal,
// prints no line but the help, saying how to ask for every line, and exits
// with status 2; with '*' it prints every line.
func TestCLI_Query_NoQuery(t *testing.T) {
	env := []string{"LOGDB_DIR=" + replFixture(t)}
	for _, args := range [][]string{{"query"}, {"query", ""}, {"query", "-o", "json", " "}} {
		r := runBin(t, "", env, args...)
		if r.code != 2 || r.stdout != "" || !strings.HasPrefix(r.stderr, "logdb query: no query given; to print every line, ask for it: logdb query '*'\n") ||
			!strings.Contains(r.stderr, "usage: logdb query ") {
			t.Errorf("%q: %d %q %q", args, r.code, r.stdout, r.stderr)
		}
	}
	r := runBin(t, "", env, "query", "*")
	if n := strings.Count(r.stdout, "\n"); r.code != 0 || n != 69 {
		t.Errorf("query '*': %d, %d lines, %q", r.code, n, r.stderr)
	}
}

// Ensure that logdb query without a query on a terminal (a tmux pane 20
// lines high) shows the last screenful of lines, in order, and a hint.
func TestCLI_Query_NoQuery_Terminal(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (.ci/run installs it from Debian); skipping the terminal test of logdb query")
	}
	data := replFixture(t)
	shell := fmt.Sprintf("env LOGDB_DIR=%s LANG=C.UTF-8 TZ=UTC NO_COLOR=1 %s query; echo EXITED $?; sleep 60", data, logdbBin)
	s := startTmux(t, tmux, t.TempDir(), 110, 20, shell)
	sc := s.waitText("EXITED 0")
	if !strings.Contains(sc, "(the last 17 of 69 lines; logdb query '*' prints them all, logdb query QUERY narrows them)") {
		t.Errorf("no hint:\n%s", sc)
	}
	var msgs []string
	for _, r := range strings.Split(sc, "\n") {
		if f := strings.Fields(r); len(f) > 1 && f[len(f)-2] == "step" {
			msgs = append(msgs, f[len(f)-1])
		}
	}
	if want := "[44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60]"; fmt.Sprint(msgs) != want {
		t.Errorf("lines shown: %v, want steps %s\n%s", msgs, want, sc)
	}
}

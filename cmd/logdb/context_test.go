package main

import "testing"

// Ensure that logdb query with "| context N" marks hits and lines of
// context as grep -Hn -C does in raw output, and separates the groups with
// "--".
func TestCLI_Query_Context(t *testing.T) {
	env := []string{"LOGDB_DIR=" + replFixture(t)}
	r := runBin(t, "", env, "query", "level=Error | context 1")
	want := "build/0-3-compiling 42 files\nbuild/0:4:compile failed: timeout after 30s\nbuild/0-5-\n--\n" +
		"deploy/0-1-deploying v1\ndeploy/0:2:connection reset by peer\ndeploy/0-3-waiting for rollout\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("context: %d %q\n got %q\nwant %q", r.code, r.stderr, r.stdout, want)
	}
	// Without context the raw lines are the messages alone, for pipes.
	r = runBin(t, "", env, "query", "level=Error")
	if want := "compile failed: timeout after 30s\nconnection reset by peer\n"; r.stdout != want {
		t.Fatalf("no context: got %q, want %q", r.stdout, want)
	}
}

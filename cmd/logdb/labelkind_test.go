package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Ensure that JSON numbers and booleans ingested as JSON come out of
// query -o json and read -o json as numbers and booleans, and a string of
// digits as a string.
func TestCLI_JSONLabelKinds(t *testing.T) {
	testJSONLabelKinds(t, []string{"LOGDB_DIR=" + filepath.Join(t.TempDir(), "db")})
}

// Ensure the same through a server: the kinds travel in APPENDENTRIES
// from ingest and back in READ and QUERY replies.
func TestCLI_JSONLabelKinds_Server(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "served"), nil)
	testJSONLabelKinds(t, []string{"LOGDB_SERVER=" + srv.addr})
}

func testJSONLabelKinds(t *testing.T, env []string) {
	t.Helper()
	in := `{"_time":"2026-01-02T03:04:05Z","_msg":"hi","n":3,"f":1.5,"ok":true,"s":"3"}` + "\n"
	r := runBin(t, in, env, "ingest", "--format", "json", "--job", "J", "-")
	if r.code != 0 || strings.HasPrefix(env[0], "LOGDB_SERVER=") != strings.Contains(r.stderr, " through ") {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	want := `{"time":"2026-01-02T03:04:05.000000000Z","level":"","job":"J","attempt":0,"line":1,"msg":"hi","f":1.5,"n":3,"ok":true,"s":"3"}` + "\n"
	for _, args := range [][]string{{"query", "*", "-o", "json"}, {"query", "n=3 ok=true", "-o", "json"}, {"read", "--job", "J", "-o", "json"}} {
		if r := runBin(t, "", env, args...); r.code != 0 || r.stdout != want {
			t.Errorf("%v: exit %d, printed %q (%s), want %q", args, r.code, r.stdout, r.stderr, want)
		}
	}
}

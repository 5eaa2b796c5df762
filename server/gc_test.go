package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// gcRuns makes five runs: ok/0 succeeded, bad/0 failed with two lines,
// dev/0 running with env=dev, keep/0 failed and pinned, prod/0 running
// with env=prod. It returns when a millisecond has passed since their last
// change, so that an age of 1ms expires them all.
func gcRuns(t *testing.T, r *rawConn) {
	t.Helper()
	for _, req := range []string{
		"START ok 0", "FINISH ok 0 success",
		`APPEND bad 0 "INFO a" "ERROR b"`, "FINISH bad 0 failed 1",
		"START dev 0 LABEL env=dev",
		"START keep 0", "FINISH keep 0 failed", "PIN keep 0",
		"START prod 0 LABEL env=prod",
	} {
		if got := r.do(req); strings.HasPrefix(got, "-") {
			t.Fatalf("%s: %s", req, got)
		}
	}
	time.Sleep(20 * time.Millisecond)
}

// jobsOf returns the job of each run record in a rendered reply.
func jobsOf(reply string) []string {
	var out []string
	for _, part := range strings.Split(reply, `["job" "`)[1:] {
		job, _, _ := strings.Cut(part, `"`)
		out = append(out, job)
	}
	return out
}

// Ensure that GC DRYRUN reports what GC would delete and deletes nothing,
// and that GC with MAXAGE and RULEs deletes exactly the runs they expire,
// never a pinned one.
func TestServer_GC(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	gcRuns(t, r)

	// The DB's retention, 30 days: nothing is old enough.
	if got := r.do("GC DRYRUN"); got != `["checked" :5 "deleted" :0 "lines" :0 "bytes" :0 "kept_pinned" :0 "dry_run" :1 "runs" [] "kept_running" :0]` {
		t.Fatalf("GC DRYRUN: %s", got)
	}
	got := r.do("GC MAXAGE forever RULE status=failed:1ms DRYRUN")
	if !strings.HasPrefix(got, `["checked" :5 "deleted" :1 "lines" :2 "bytes" :15 "kept_pinned" :1 "dry_run" :1 "runs" [["job" "bad" "attempt" :0 "kind" "" "state" "failed"`) {
		t.Fatalf("GC RULE DRYRUN: %s", got)
	}
	if got := r.do("RUNS"); len(jobsOf(got)) != 5 {
		t.Fatalf("DRYRUN deleted runs: %s", got)
	}
	// Rules hold spaces, so they are one (quoted) argument; the first
	// that matches a run gives its age; DRYRUN may come first.
	got = r.do(`GC DRYRUN INCLUDERUNNING RULE "status=running env=prod:forever" RULE "status=failed,running:1ms" MAXAGE 1h`)
	if j := jobsOf(got); !strings.HasPrefix(got, `["checked" :5 "deleted" :2 `) || strings.Join(j, " ") != "bad dev" {
		t.Fatalf("GC with two rules, DRYRUN: %v %s", j, got)
	}

	// Without INCLUDERUNNING the running dev/0 is kept, and counted.
	got = r.do(`GC MAXAGE forever RULE "status=failed:1ms" RULE "env=d*:1ms" DRYRUN`)
	if j := jobsOf(got); !strings.HasSuffix(got, `] "kept_running" :1]`) || strings.Join(j, " ") != "bad" {
		t.Fatalf("GC of a running run without INCLUDERUNNING: %v %s", j, got)
	}
	got = r.do(`GC MAXAGE forever RULE "status=failed:1ms" RULE "env=d*:1ms" INCLUDERUNNING`)
	if j := jobsOf(got); !strings.HasPrefix(got, `["checked" :5 "deleted" :2 "lines" :2 "bytes" :15 "kept_pinned" :1 "dry_run" :0 "runs" [`) || strings.Join(j, " ") != "bad dev" {
		t.Fatalf("GC: %v %s", j, got)
	}
	if j := jobsOf(r.do("RUNS")); strings.Join(j, " ") != "keep ok prod" {
		t.Fatalf("runs left after GC: %v", j)
	}
	for _, req := range []string{"READ bad 0", "RUN dev 0"} {
		if got := r.do(req); !strings.HasPrefix(got, "-NOTFOUND") {
			t.Fatalf("%s after GC: %s", req, got)
		}
	}
	if got := r.do(`GC MAXAGE forever RULE "status=failed:1ms"`); got != `["checked" :3 "deleted" :0 "lines" :0 "bytes" :0 "kept_pinned" :1 "dry_run" :0 "runs" [] "kept_running" :0]` {
		t.Fatalf("GC again: %s", got)
	}
	// A rule alone: MAXAGE is the default, 30 days.
	if got := r.do(`GC RULE "env=nomatch:1ms"`); !strings.HasPrefix(got, `["checked" :3 "deleted" :0 `) {
		t.Fatalf("GC with a rule and the default MAXAGE: %s", got)
	}
	if got := r.do("GC maxage 1ms includerunning"); !strings.HasPrefix(got, `["checked" :3 "deleted" :2 `) || strings.Join(jobsOf(got), " ") != "ok prod" {
		t.Fatalf("GC MAXAGE 1ms: %s", got)
	}
}

// Ensure that GC without MAXAGE or RULE applies the DB's own retention.
func TestServer_GCDefaultRetention(t *testing.T) {
	db := testutil.MustOpenDB(t, &engine.Options{Retention: &engine.Retention{MaxAge: time.Millisecond, IncludeRunning: true}, GCInterval: -1})
	ts := serveDB(t, db, nil)
	r := ts.raw(t)
	gcRuns(t, r)
	if got := r.do("GC MAXAGE 30d DRYRUN"); !strings.HasPrefix(got, `["checked" :5 "deleted" :0 `) {
		t.Fatalf("GC MAXAGE 30d DRYRUN: %s", got)
	}
	if got := r.do("GC DRYRUN"); !strings.HasPrefix(got, `["checked" :5 "deleted" :4 "lines" :2 "bytes" :15 "kept_pinned" :1 "dry_run" :1 `) {
		t.Fatalf("GC DRYRUN with the DB's retention: %s", got)
	}
	if got := r.do("GC"); !strings.HasPrefix(got, `["checked" :5 "deleted" :4 `) {
		t.Fatalf("GC with the DB's retention: %s", got)
	}
	if j := jobsOf(r.do("RUNS")); strings.Join(j, " ") != "keep" {
		t.Fatalf("runs left: %v", j)
	}
}

// Ensure that malformed GC requests are answered with an error naming the
// bad value, delete nothing, and leave the connection usable.
func TestServer_GCMalformed(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	gcRuns(t, r)
	r.expect([]exchange{
		{"GC MAXAGE soon", `-ERR MAXAGE: bad age "soon" (want `},
		{"GC MAXAGE 0s", `-ERR MAXAGE: bad age "0s"`},
		{"GC MAXAGE -1h", `-ERR MAXAGE: bad age "-1h"`},
		{"GC MAXAGE DRYRUN", `-ERR MAXAGE: bad age "DRYRUN"`},
		{"GC MAXAGE", "-ERR option MAXAGE needs a value"},
		{"GC MAXAGE 1ms MAXAGE 2d", "-ERR option MAXAGE given twice"},
		{"GC RULE status=failed", `-ERR RULE: retention rule "status=failed": want CONDITION:AGE`},
		{"GC RULE status=bogus:1ms", `-ERR RULE: retention rule "status=bogus:1ms": unknown status "bogus"`},
		{"GC RULE :1ms", `-ERR RULE: retention rule ":1ms": no condition before the age`},
		{"GC RULE env:1ms", `-ERR RULE: retention rule "env:1ms": want NAME=VALUE, not "env"`},
		{"GC RULE status=failed:1ms RULE env=dev:soon", `-ERR RULE: retention rule "env=dev:soon": bad age "soon"`},
		{"GC RULE " + strings.Repeat("x", 500), "-ERR RULE: retention rule \"" + strings.Repeat("x", 180)},
		{"GC FAST", `-ERR unknown option "FAST" (want MAXAGE, RULE, DRYRUN, INCLUDERUNNING)`},
		{"GC DRYRUN DRYRUN", "-ERR option DRYRUN given twice"},
	})
	if j := jobsOf(r.do("RUNS")); len(j) != 5 {
		t.Fatalf("malformed GCs deleted runs: %v", j)
	}
}

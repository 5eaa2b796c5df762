package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/query"
)

// apacheOracle computes, with Python's re and plain arithmetic, the answers
// of the queries of TestRealData_Stats over the Apache access log, one list
// of rows per query, each row a list of values as the query's columns have
// them (None where a query's value is nil).
const apacheOracle = `
import json, re, sys, collections, datetime
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
st_re = re.compile(r'" (?P<status>\d{3}) (?P<size>\d+|-) ')
ts_re = re.compile(r'\[(\d+)/(\w+)/(\d+):(\d+):(\d+):(\d+) \+0000\]')
me_re = re.compile(r'"(?P<method>[A-Z]+) ')
def q(vs, phi):
    vs = sorted(vs)
    h = (len(vs) - 1) * phi
    lo = int(h)
    if lo + 1 >= len(vs):
        return vs[-1]
    return vs[lo] + (h - lo) * (vs[lo + 1] - vs[lo])
groups = collections.defaultdict(lambda: {"n": 0, "ips": set(), "sizes": []})
hours = collections.Counter()
ips = collections.Counter()
methods = collections.Counter()
client_big = 0
for l in lines:
    ip = l.split(" ", 1)[0]
    ips[ip] += 1
    m = ts_re.search(l)
    t = datetime.datetime.strptime(" ".join(m.groups()), "%d %b %Y %H %M %S")
    hours[t.replace(minute=0, second=0)] += 1
    m = me_re.search(l)
    if m:
        methods[m.group("method")] += 1
    m = st_re.search(l)
    if not m:
        continue
    g = groups[m.group("status")]
    g["n"] += 1
    g["ips"].add(ip)
    if m.group("size") != "-":
        g["sizes"].append(int(m.group("size")))
        if 400 <= int(m.group("status")) <= 499 and int(m.group("size")) > 1000:
            client_big += 1
out = {"status": [], "hourly": [], "top": [], "client_big": [[client_big]], "methods": []}
for s in sorted(groups):
    g = groups[s]; v = g["sizes"]
    if v:
        out["status"].append([s, g["n"], len(g["ips"]), sum(v), sum(v) / len(v), q(v, 0.5), q(v, 0.95), max(v)])
    else:
        out["status"].append([s, g["n"], len(g["ips"]), None, None, None, None, None])
h = min(hours)
while h <= max(hours):
    out["hourly"].append([h.strftime("%Y-%m-%dT%H:%M:%SZ"), hours[h]])
    h += datetime.timedelta(hours=1)
out["top"] = [[ip, n] for ip, n in sorted(ips.items(), key=lambda x: (-x[1], x[0]))[:5]]
out["methods"] = [[k, n] for k, n in sorted(methods.items(), key=lambda x: (-x[1], x[0]))]
out["uniq_methods"] = [[k] for k in sorted(methods)]
out["busy_ips"] = [[ip, n] for ip, n in sorted(ips.items()) if n > 100]
out["hist"] = out["hourly"]
json.dump(out, sys.stdout)
`

// Ensure that stats, time buckets, histogram, top, uniq, field_values,
// extraction, a filter after stats and numeric filters give over a real
// Apache access log what Python computes from the raw file.
func TestRealData_Stats(t *testing.T) {
	data := testutil.DataDir(t)
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: it computes the expected answers")
	}
	path := filepath.Join(data, "elastic-examples", "apache_access", "apache_logs")
	out, err := exec.Command(python, "-c", apacheOracle, path).Output()
	if err != nil {
		t.Fatalf("python oracle: %v", err)
	}
	var want map[string][][]any
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if r := runMain(t, "", "--dir", dir, "ingest", "--job", "apache", path); r.code != 0 {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	db, err := engine.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const status = `extract_regexp "\" (?P<status>\d{3}) (?P<size>\d+|-) "`
	for _, tc := range []struct{ name, query string }{
		{"status", `| extract "<ip> " | ` + status + ` | stats by (status) count(), count_uniq(ip), sum(size), avg(size), median(size), quantile(0.95, size) as p95, max(size)`},
		{"hourly", `| stats by (_time:1h) count()`},
		{"top", `| extract "<ip> " | top 5 by (ip)`},
		{"client_big", `| ` + status + ` | filter status:[400, 499] size>1000 | stats count()`},
		{"methods", `| extract_regexp "\"(?P<method>[A-Z]+) " | field_values method`},
		{"uniq_methods", `| extract_regexp "\"(?P<method>[A-Z]+) " | uniq by (method)`},
		{"busy_ips", `| extract "<ip> " | stats by (ip) count() | filter count > 100`},
		{"hist", `| histogram 1h`},
	} {
		if len(want[tc.name]) == 0 {
			t.Fatalf("Python computed no rows for %s", tc.name)
		}
		got := statsRows(t, db, tc.query)
		if len(got) != len(want[tc.name]) {
			t.Errorf("%s: %d rows, Python says %d:\n got %v\nwant %v", tc.query, len(got), len(want[tc.name]), got, want[tc.name])
			continue
		}
		for i, row := range want[tc.name] {
			if !sameRow(got[i], row) {
				t.Errorf("%s: row %d = %v, Python says %v", tc.query, i, got[i], row)
			}
		}
	}
}

// statsRows runs a query over records in UTC and returns its values.
func statsRows(t *testing.T, db *engine.DB, src string) [][]any {
	t.Helper()
	rows, err := query.Run(context.Background(), db, query.MustParse(src), query.Options{Location: time.UTC})
	if err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		out = append(out, append([]any(nil), rows.Row().Values...))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	return out
}

// sameRow compares a query's row with one decoded from JSON: numbers to
// one part in 10^9, times as RFC 3339 text.
func sameRow(got, want []any) bool {
	if len(got) != len(want) {
		return false
	}
	for i, w := range want {
		switch g := got[i].(type) {
		case int64:
			f, ok := w.(float64)
			if !ok || float64(g) != f {
				return false
			}
		case float64:
			f, ok := w.(float64)
			if !ok || math.Abs(g-f) > 1e-9*math.Max(1, math.Abs(f)) {
				return false
			}
		case time.Time:
			if g.UTC().Format(time.RFC3339) != w {
				return false
			}
		default:
			if fmt.Sprint(g) != fmt.Sprint(w) && !(g == nil && w == nil) {
				return false
			}
		}
	}
	return true
}

#!/usr/bin/env bash
# Baselines for issue 6: listing runs. logdb's run records beside SQLite
# holding the same records in a table, the same queries, on this machine, in
# one session.
#
#   bench/baseline/runs.sh [RUNS]          RUNS defaults to 100000
#
# It builds logdb, then a store of RUNS runs of bench.RunsWorkload (the
# first go test run builds it, with fsync off, in the work directory and
# keeps it: LOGDB_BENCH_RUNS_DIR), and measures:
#
#   logdb    in process: BenchmarkRuns (engine.DB.Runs) and BenchmarkRunRuns
#            (query.Parse + query.RunRuns, every row read), median ns/op of
#            COUNT runs of `go test -bench`; as whole processes:
#            `logdb runs -o csv QUERY`
#   SQLite   the records exported with `logdb runs -o csv` into a table
#            runs, with indexes on (job, attempt), status and start; the
#            lines exported with `logdb query -o csv` into a table lines
#            with FTS5 on the message, for HAVING. In process: Python's
#            sqlite3 module (the same library), every row fetched; as whole
#            processes: `sqlite3 -csv DB SQL`
#
# Process figures are the median wall time of REPS processes after one
# warm-up, output to /dev/null, page cache warm; in-process SQLite figures
# the median of warm runs, at least 5 and about a second's worth. It prints
# a Markdown table for BENCHMARKS.md.
#
# Environment: REPS (default 10), COUNT (default 5), BENCHTIME (go test
# -benchtime, default 1s), LOGDB_SRC (the source tree to build and benchmark,
# default this one: a worktree of an older commit with the benchmark files
# copied in gives before/after figures), STORE (a store built by an earlier
# run, kept with KEEP=1, to use again: the same records for both), KEEP=1
# keeps the work directory.
set -euo pipefail

RUNS=${1:-100000}
REPS=${REPS:-10}
COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-1s}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${LOGDB_SRC:-$(cd "$here/../.." && pwd)}

say() { printf '%s\n' "$*" >&2; }
die() { say "runs.sh: $*"; exit 1; }

[[ $RUNS =~ ^[0-9]+$ ]] && ((RUNS >= 1000)) || die "RUNS must be a number of at least 1000, not '$RUNS'"
for tool in go sqlite3 python3; do
	command -v "$tool" >/dev/null || die "missing: $tool (Debian: apt-get install -y sqlite3 python3)"
done
python3 -c 'import sqlite3; sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")' ||
	die "Python's sqlite3 lacks FTS5"

work=$(mktemp -d "${TMPDIR:-/tmp}/logdb-runs-baseline.XXXXXX")
if [[ ${KEEP:-} == 1 ]]; then
	trap 'say "kept $work"' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi
store=${STORE:-$work/store}
db=$work/runs.db
logdb=$work/logdb

say "building logdb"
(cd "$root" && go build -o "$logdb" ./cmd/logdb)

# --- logdb in process (the first run builds the store) -----------------------

gobench() { # package, -bench pattern, output file
	(cd "$root" && LOGDB_BENCH_RUNS=$RUNS LOGDB_BENCH_RUNS_DIR=$store \
		go test "$1" -run '^$' -bench "$2" -benchtime "$BENCHTIME" -count "$COUNT") | tee "$3" >&2
}
say "building $RUNS runs in $store, then BenchmarkRuns"
gobench ./engine '^BenchmarkRuns$' "$work/engine.bench"
say "BenchmarkRunRuns"
gobench ./query '^BenchmarkRunRuns$' "$work/query.bench"

# --- SQLite --------------------------------------------------------------------

say "exporting the records and lines; loading SQLite"
"$logdb" --dir "$store" runs -o csv --tz UTC >"$work/runs.csv"
"$logdb" --dir "$store" query -o csv --tz UTC '*' >"$work/lines.csv"
# Times as Unix ns: RFC 3339 in UTC, with up to nine digits of fraction.
ns() { echo "CAST(strftime('%s', substr($1, 1, 19)) AS INTEGER) * 1000000000 + CAST(substr(substr($1, 21, length($1) - 21) || '000000000', 1, 9) AS INTEGER)"; }
t0=$EPOCHREALTIME
sqlite3 "$db" <<EOF
.import --csv $work/runs.csv raw_runs
.import --csv $work/lines.csv raw_lines
BEGIN;
CREATE TABLE runs(job TEXT NOT NULL, attempt INTEGER NOT NULL, kind TEXT, status TEXT, start INTEGER, "end" INTEGER,
                  duration REAL, billed INTEGER, memory INTEGER, exit INTEGER, message TEXT, lines INTEGER,
                  errors INTEGER, app TEXT, env TEXT, flow TEXT);
INSERT INTO runs SELECT job, attempt, kind, status, $(ns start), CASE WHEN "end" = '' THEN NULL ELSE $(ns '"end"') END,
                        duration, billed, memory, exit, message, lines, errors, app, env, flow FROM raw_runs;
CREATE TABLE lines(id INTEGER PRIMARY KEY, job TEXT NOT NULL, attempt INTEGER NOT NULL, line INTEGER, time INTEGER,
                   level TEXT, msg TEXT);
INSERT INTO lines(job, attempt, line, time, level, msg) SELECT job, attempt, line, $(ns time), level, msg FROM raw_lines;
DROP TABLE raw_runs;
DROP TABLE raw_lines;
CREATE UNIQUE INDEX runs_job ON runs(job, attempt);
CREATE INDEX runs_status ON runs(status);
CREATE INDEX runs_start ON runs(start);
CREATE VIRTUAL TABLE lines_fts USING fts5(msg, content='lines', content_rowid='id');
INSERT INTO lines_fts(lines_fts) VALUES('rebuild');
INSERT INTO lines_fts(lines_fts) VALUES('optimize');
COMMIT;
VACUUM;
ANALYZE;
EOF
load_s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
n=$(sqlite3 "$db" 'SELECT count(*) FROM runs')
((n == RUNS)) || die "SQLite holds $n runs, not $RUNS"

# --- the queries and the report ------------------------------------------------

cut="(CAST(strftime('%s', 'now') AS INTEGER) - 86400) * 1000000000"
newest="start DESC, job, attempt"
export LOGDB=$logdb STORE=$store DB=$db REPS RUNS WORK=$work
export LOAD_S=$load_s STORE_BYTES=$(du -sb "$store" | cut -f1) DB_BYTES=$(stat -c %s "$db")
# name <TAB> logdb query <TAB> SQL; "runs" is engine.DB.Runs, in process only.
cat >"$work/queries.tsv" <<EOF
runs		SELECT * FROM runs ORDER BY job, attempt
all		SELECT * FROM runs ORDER BY $newest
failed_by_duration	status=failed | sort by duration desc | limit 20	SELECT * FROM runs WHERE status = 'failed' ORDER BY duration DESC, $newest LIMIT 20
exit_page	exit!=0 | offset 40 | limit 20	SELECT * FROM runs WHERE exit != 0 ORDER BY $newest LIMIT 20 OFFSET 40
count_by_status	| count by status	SELECT status, count(*) FROM runs GROUP BY status ORDER BY 2 DESC, 1
job	job=job-000001	SELECT * FROM runs WHERE job = 'job-000001' ORDER BY $newest
flow_since	flow=etl-* since=-1d	SELECT * FROM runs WHERE flow GLOB 'etl-*' AND start >= $cut ORDER BY $newest
failed_having	status=failed HAVING timeout	SELECT r.*, h.hits FROM runs r JOIN (SELECT l.job, l.attempt, count(*) AS hits FROM lines_fts JOIN lines l ON l.id = lines_fts.rowid WHERE lines_fts MATCH 'timeout' GROUP BY l.job, l.attempt) h ON h.job = r.job AND h.attempt = r.attempt WHERE r.status = 'failed' ORDER BY r.start DESC, r.job, r.attempt
EOF
say "timing the queries"
python3 - "$work/engine.bench" "$work/query.bench" "$work/queries.tsv" <<'PY'
import os, re, sqlite3, statistics, subprocess, sys, time

env = os.environ
reps, runs = int(env["REPS"]), int(env["RUNS"])

# Median ms/op and the rows of each benchmark, by name ("Runs", "RunRuns/all").
logdb = {}
for path in sys.argv[1:3]:
    for line in open(path):
        m = re.match(r"Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) rows", line)
        if m:
            logdb.setdefault(m[1], []).append((float(m[2]) / 1e6, int(float(m[3]))))


def median_ms(fn, least, seconds):
    """Calls fn once to warm up, then at least least times and for at
    least seconds, and returns the median ms of a call."""
    fn()
    ts, t_end = [], time.perf_counter() + seconds
    while len(ts) < least or time.perf_counter() < t_end:
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts)


def process_ms(cmd):
    return median_ms(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True), reps, 0)


def output_rows(cmd, header):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout
    return out.count(b"\n") - header


def fmt(v):
    if v is None:
        return "—"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}" if v >= 1 else f"{v:.3f}"


def ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:.2g}×"


conn = sqlite3.connect(env["DB"])
conn.execute("PRAGMA cache_size = -32768")
rows = []
for line in open(sys.argv[3]):
    name, q, sql = line.rstrip("\n").split("\t")
    ld = logdb["Runs" if name == "runs" else "RunRuns/" + name]
    ld_ms, ld_rows = statistics.median(x for x, _ in ld), ld[0][1]
    sq_rows = len(conn.execute(sql).fetchall())
    sq_ms = median_ms(lambda: conn.execute(sql).fetchall(), 5, 1)
    ld_p = sq_p = None
    if name != "runs":
        cmd = [env["LOGDB"], "--dir", env["STORE"], "runs", "-o", "csv"] + ([q] if q else [])
        sq_cmd = ["sqlite3", "-csv", env["DB"], sql]
        got = (output_rows(cmd, 1), output_rows(sq_cmd, 0))
        if got != (ld_rows, sq_rows):
            print(f"warning: {name}: {got} rows from the processes, {(ld_rows, sq_rows)} in process", file=sys.stderr)
        ld_p, sq_p = process_ms(cmd), process_ms(sq_cmd)
    title = "`engine.DB.Runs` (every record, by job)" if name == "runs" else "`" + (q or "(everything)").replace("|", "\\|") + "`"
    rows.append([title, f"{ld_rows} / {sq_rows}", fmt(ld_ms), fmt(sq_ms), ratio(sq_ms, ld_ms),
                 fmt(ld_p), fmt(sq_p), ratio(sq_p, ld_p)])

head = ["query", "rows logdb / SQLite", "logdb in-proc ms", "SQLite in-proc ms", "SQLite ÷ logdb",
        "logdb process ms", "sqlite3 process ms", "sqlite3 ÷ logdb"]
print(f"{runs:,} runs of bench.RunsWorkload; logdb store {int(env['STORE_BYTES']) / 1e6:.1f} MB, "
      f"SQLite {int(env['DB_BYTES']) / 1e6:.1f} MB (loaded and indexed in {env['LOAD_S']} s); "
      f"sqlite {sqlite3.sqlite_version}; {time.strftime('%Y-%m-%d', time.gmtime())}")
print()
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for r in rows:
    print("| " + " | ".join(r) + " |")
PY

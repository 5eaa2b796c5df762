#!/usr/bin/env bash
# Baselines for issue 3: logdb beside ripgrep (the scan floor) and SQLite
# FTS5 (the embedded alternative), on the same JSON lines and the same
# queries, on this machine, in one session.
#
#   bench/baseline/run.sh [LINES]          LINES defaults to 1000000
#
# It builds logdb, writes the workload with `logdb bench gen` (the bytes
# `logdb bench` loads), installs ripgrep, sqlite3, jq and time with apt-get
# when they are missing and it runs as root, then measures:
#
#   logdb    `logdb bench all -o json` on the same lines (same --lines,
#            --seed and --end give the same bytes; checked by size)
#   ripgrep  whole `rg` processes over the JSON file, page cache warm
#   SQLite   sqlite3 loading the file into a table (JSON functions, in one
#            transaction: durable at COMMIT), then an index on (job, line)
#            and an FTS5 index on msg (external content, optimized): indexed;
#            bytes of the database file per line; the queries in one warm
#            sqlite3 process (mean per run: a session running the query n
#            times minus a session running it once, over n-1) and as whole
#            sqlite3 processes
#
# and prints a side-by-side table, plain and as Markdown for BENCHMARKS.md.
#
# Environment: RUNS (whole-process runs per command, median taken after one
# warm-up; default 5), SEED (default 1), KEEP=1 keeps the work directory,
# LOGDB_BENCH_FLAGS adds flags to `logdb bench`.
set -euo pipefail

LINES=${1:-1000000}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 1; }

[[ $LINES =~ ^[0-9]+$ ]] && ((LINES >= 1000)) || die "LINES must be a number of at least 1000, not '$LINES'"
((BASH_VERSINFO[0] >= 5)) || die "needs bash 5 or later (for EPOCHREALTIME)"

# --- tools -------------------------------------------------------------------

missing=()
command -v rg >/dev/null || missing+=(ripgrep)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v jq >/dev/null || missing+=(jq)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
	if ((EUID == 0)) && command -v apt-get >/dev/null; then
		say "installing ${missing[*]} with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		log=$(mktemp)
		if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
			cat "$log" >&2
			die "apt-get install ${missing[*]} failed"
		fi
		rm -f "$log"
	else
		die "missing: ${missing[*]}; install them (Debian: apt-get install -y ${missing[*]}) or run this as root"
	fi
fi
command -v go >/dev/null || die "missing: go (Go 1.26 or later, to build logdb; see README.md)"
sqlite3 :memory: "CREATE VIRTUAL TABLE t USING fts5(x); SELECT json_extract('{\"a\":1}', '\$.a');" >/dev/null ||
	die "this sqlite3 lacks FTS5 or the JSON functions"

work=$(mktemp -d "${TMPDIR:-/tmp}/logdb-baseline.XXXXXX")
if [[ ${KEEP:-} == 1 ]]; then
	trap 'say "kept $work"' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi
data=$work/data.jsonl
db=$work/fts.db

# --- timing helpers ----------------------------------------------------------

# usec prints the wall clock in microseconds, without starting a process.
usec() { local t=${EPOCHREALTIME/[.,]/}; printf '%s' "$((10#$t))"; }

# quiet runs a command with its output discarded; exit status 1 (ripgrep:
# no match) is not an error.
quiet() {
	local rc=0
	"$@" >/dev/null 2>"$work/err" || rc=$?
	if ((rc > 1)); then
		say "failed ($rc): $*"
		cat "$work/err" >&2
		exit "$rc"
	fi
}

# median_ms runs a command once to warm up, then RUNS times, and prints the
# median wall time in ms.
median_ms() {
	local i t0 ts=()
	quiet "$@"
	for ((i = 0; i < RUNS; i++)); do
		t0=$(usec)
		quiet "$@"
		ts+=($(($(usec) - t0)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[int((NR + 1) / 2)] / 1000}'
}

# sqlite_session N SQL runs SQL N times in one sqlite3 process, output to
# /dev/null, and prints the wall time in microseconds.
sqlite_session() {
	local n=$1 sql=$2 i t0
	{
		echo "PRAGMA cache_size = -32768;"
		echo ".output /dev/null"
		for ((i = 0; i < n; i++)); do echo "$sql"; done
	} >"$work/session.sql"
	t0=$(usec)
	sqlite3 "$db" <"$work/session.sql"
	echo $(($(usec) - t0))
}

# sqlite_mean_ms SQL prints the mean ms of one warm run of SQL inside a
# sqlite3 process: (session of n+1 runs − session of 1 run) / n, with n
# chosen to take about a second, the median of three such estimates.
sqlite_mean_ms() {
	local sql=$1 one n est=() k
	one=$(($(sqlite_session 2 "$sql") - $(sqlite_session 1 "$sql")))
	n=$((1000000 / (one > 0 ? one : 1)))
	((n < 3)) && n=3
	((n > 2000)) && n=2000
	for k in 1 2 3; do
		est+=($((($(sqlite_session $((n + 1)) "$sql") - $(sqlite_session 1 "$sql")) / n)))
	done
	printf '%s\n' "${est[@]}" | sort -n | awk '{a[NR] = $1} END {v = a[2] / 1000; if (v < 0) v = 0; printf "%.3f", v}'
}

# rss_mib prints the peak RSS of a command in MiB (GNU time).
rss_mib() {
	/usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
	awk '{printf "%.0f", $1 / 1024}' "$work/rss"
}

# --- logdb -------------------------------------------------------------------

say "building logdb"
(cd "$root" && go build -o "$work/logdb" ./cmd/logdb)
logdb=$work/logdb
end=$(date -u +%Y-%m-%dT%H:%M:%SZ)
say "writing $LINES lines (seed $SEED, ending $end)"
"$logdb" bench gen --lines "$LINES" --seed "$SEED" --end "$end" -o "$data"
sync # so that writing the file back does not slow down the loads
bytes=$(stat -c %s "$data")

say "logdb bench (its progress follows)"
# shellcheck disable=SC2086 # LOGDB_BENCH_FLAGS is split on purpose
"$logdb" bench all --lines "$LINES" --seed "$SEED" --end "$end" --cli-runs "$RUNS" -o json ${LOGDB_BENCH_FLAGS:-} >"$work/logdb.json"
L() { jq -r "$1" "$work/logdb.json"; }
[[ $(L .dataset.bytes) == "$bytes" ]] || die "logdb bench loaded $(L .dataset.bytes) bytes, the file has $bytes"
job=$(L .dataset.job)
now=$(L .dataset.now)
from=1000
(($(L .dataset.job_lines) < 1100)) && die "run $job has fewer than 1100 lines"

# --- ripgrep -----------------------------------------------------------------

say "ripgrep over $data"
rg_word() { rg -i -w timeout "$data"; }
rg_word_count() { rg -c -i -w timeout "$data"; }
rg_level_job() { rg -F "\"level\":\"Error\",\"job\":\"$job\"," "$data"; }
rg_count_by_level() { rg -o -N '"level":"[A-Za-z]+"' "$data" | awk '{n[$0]++} END {for (l in n) print l, n[l]}'; }
rg_label_level() { rg -F '"level":"Warn"' "$data" | rg -F '"flow":"etl-orders"'; }
rg_phrase() { rg -i -F 'connection reset' "$data"; }
rg_run() { rg -F "\"job\":\"$job\"," "$data"; }
rg_range() { rg -m $((from + 100)) -F "\"job\":\"$job\"," "$data" | tail -n 101; }
rg_hits() {
	case $1 in
	word_count) rg_word_count ;;
	count_by_level) rg_count_by_level | awk '{s += $2} END {print s + 0}' ;;
	*) "rg_$1" | wc -l ;;
	esac
}

# --- SQLite ------------------------------------------------------------------

say "SQLite: load until durable"
cat >"$work/load.sql" <<EOF
PRAGMA cache_size = -32768;
CREATE TEMP TABLE raw(line TEXT);
.mode ascii
.separator "\\037" "\\n"
.import $data raw
BEGIN;
CREATE TABLE logs(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, level TEXT, job TEXT NOT NULL,
                  line INTEGER NOT NULL, msg TEXT NOT NULL, flow TEXT, env TEXT, app TEXT, component TEXT);
INSERT INTO logs
SELECT r, ts, level, job, row_number() OVER (PARTITION BY job ORDER BY r), msg, flow, env, app, component
FROM (SELECT rowid AS r,
             CAST(strftime('%s', substr(json_extract(line, '\$.time'), 1, 19)) AS INTEGER) * 1000000000
               + CAST(substr(json_extract(line, '\$.time'), 21, 9) AS INTEGER) AS ts,
             json_extract(line, '\$.level') AS level, json_extract(line, '\$.job') AS job,
             json_extract(line, '\$.msg') AS msg, json_extract(line, '\$.flow') AS flow,
             json_extract(line, '\$.env') AS env, json_extract(line, '\$.app') AS app,
             json_extract(line, '\$.component') AS component
      FROM temp.raw)
ORDER BY r;
COMMIT;
EOF
cat >"$work/index.sql" <<'EOF'
PRAGMA cache_size = -32768;
CREATE INDEX logs_job_line ON logs(job, line);
CREATE VIRTUAL TABLE fts USING fts5(msg, content='logs', content_rowid='id');
INSERT INTO fts(fts) VALUES('rebuild');
INSERT INTO fts(fts) VALUES('optimize');
EOF
t0=$(usec)
sq_rss_load=$(rss_mib sqlite3 "$db" <"$work/load.sql")
sq_durable_us=$(($(usec) - t0))
say "SQLite: indexes (job, line) and FTS5"
t0=$(usec)
sq_rss_index=$(rss_mib sqlite3 "$db" <"$work/index.sql")
sq_indexed_us=$((sq_durable_us + $(usec) - t0))
sq_bytes=$(du -B1 "$db" | cut -f1)
sq_lines=$(sqlite3 "$db" "SELECT count(*) FROM logs")
((sq_lines == LINES)) || die "SQLite holds $sq_lines lines, not $LINES"
[[ $(sqlite3 "$db" "SELECT job FROM logs GROUP BY job ORDER BY count(*) DESC, job LIMIT 1") == "$job" ]] ||
	say "warning: SQLite's longest run differs from logdb's $job"
cut=$(($(date -u -d "$now" +%s%N) - 3600000000000))

cols="l.ts, l.level, l.job, l.line, l.msg"
declare -A SQL=(
	[word]="SELECT $cols FROM fts JOIN logs l ON l.id = fts.rowid WHERE fts MATCH 'timeout' ORDER BY l.ts;"
	[word_count]="SELECT count(*) FROM fts WHERE fts MATCH 'timeout';"
	[level_job]="SELECT $cols FROM logs l WHERE l.job = '$job' AND l.level = 'Error' ORDER BY l.line;"
	[word_last_hour]="SELECT $cols FROM fts JOIN logs l ON l.id = fts.rowid WHERE fts MATCH 'timeout' AND l.ts >= $cut ORDER BY l.ts;"
	[count_by_level]="SELECT level, count(*) FROM logs GROUP BY level ORDER BY 2 DESC;"
	[label_level]="SELECT $cols FROM logs l WHERE l.flow = 'etl-orders' AND l.level = 'Warn' ORDER BY l.ts;"
	[phrase]="SELECT $cols FROM fts JOIN logs l ON l.id = fts.rowid WHERE fts MATCH '\"connection reset\"' ORDER BY l.ts;"
	[run]="SELECT $cols FROM logs l WHERE l.job = '$job' ORDER BY l.line;"
	[range]="SELECT $cols FROM logs l WHERE l.job = '$job' AND l.line BETWEEN $from AND $((from + 100)) ORDER BY l.line;"
)
sq_hits() {
	case $1 in
	word_count) sqlite3 "$db" "${SQL[$1]}" ;;
	count_by_level) sqlite3 "$db" "SELECT count(*) FROM logs" ;;
	*) sqlite3 "$db" "SELECT count(*) FROM (${SQL[$1]%;})" ;;
	esac
}

# --- the figures -------------------------------------------------------------

figures=(word word_count level_job word_last_hour count_by_level label_level phrase run range)
declare -A TITLE=(
	[word]="one word, all hits (timeout)"
	[word_count]="the word | count"
	[level_job]="level=Error job=X"
	[word_last_hour]="the word in the last hour"
	[count_by_level]="| count by level"
	[label_level]="flow=etl-orders level=Warn"
	[phrase]="\"connection reset\", all hits"
	[run]="all lines of run X, in order"
	[range]="lines 1000–1100 of run X"
)
kind_of() { case $1 in run | range) echo read ;; *) echo query ;; esac; }

declare -A LD_IN LD_CLI LD_HITS RG_MS RG_HITS SQ_IN SQ_CLI SQ_HITS
for f in "${figures[@]}"; do
	k=$(kind_of "$f")
	LD_IN[$f]=$(L ".queries[] | select(.kind == \"$k\" and .name == \"$f\") | .mean_ms")
	LD_HITS[$f]=$(L ".queries[] | select(.kind == \"$k\" and .name == \"$f\") | .hits")
	LD_CLI[$f]=$(L "(.cli[] | select(.name == \"${k}_$f\") | .p50_ms) // \"\"")
	say "ripgrep and SQLite: $f"
	if [[ $f == word_last_hour ]]; then
		RG_MS[$f]="" RG_HITS[$f]=""
	else
		RG_HITS[$f]=$(rg_hits "$f")
		RG_MS[$f]=$(median_ms "rg_$f")
	fi
	SQ_HITS[$f]=$(sq_hits "$f")
	SQ_IN[$f]=$(sqlite_mean_ms "${SQL[$f]}")
	SQ_CLI[$f]=$(median_ms sqlite3 "$db" "${SQL[$f]}")
done

# --- the report --------------------------------------------------------------

lines_per_s() { awk -v n="$1" -v us="$2" 'BEGIN {printf "%.0f", n / (us / 1e6)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b + 0 == 0) print "—"; else printf "%.2g×", a / b}'; }
ms() { awk -v v="$1" 'BEGIN {if (v == "") print "—"; else if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else if (v >= 1) printf "%.2f", v; else printf "%.3f", v}'; }
thousands() { printf "%'d" "$1" 2>/dev/null || printf '%s' "$1"; }

ld_durable=$(L '.ingest.durable_lines_per_s | floor')
ld_indexed=$(L '.ingest.indexed_lines_per_s | floor')
ld_bpl=$(awk -v v="$(L .ingest.disk_bytes_per_line)" 'BEGIN {printf "%.1f", v}')
ld_rss=$(awk -v v="$(L .ingest.peak_rss_indexed_bytes)" 'BEGIN {printf "%.0f", v / 1048576}')
sq_durable=$(lines_per_s "$LINES" "$sq_durable_us")
sq_indexed=$(lines_per_s "$LINES" "$sq_indexed_us")
sq_bpl=$(awk -v b="$sq_bytes" -v n="$LINES" 'BEGIN {printf "%.1f", b / n}')
sq_rss=$((sq_rss_load > sq_rss_index ? sq_rss_load : sq_rss_index))
machine="$(L '.machine.cores') cores, $(L '.machine.cpu'), $(L '.machine.go_version'), $(rg --version | head -1), sqlite $(sqlite3 --version | cut -d' ' -f1)"

# rows prints the table rows as TAB-separated fields; table and markdown
# format them.
ingest_rows() {
	printf 'figure\tlogdb\tSQLite FTS5\tlogdb better by\n'
	printf 'ingest until durable, lines/s\t%s\t%s\t%s\n' "$ld_durable" "$sq_durable" "$(ratio "$ld_durable" "$sq_durable")"
	printf 'ingest until indexed, lines/s\t%s\t%s\t%s\n' "$ld_indexed" "$sq_indexed" "$(ratio "$ld_indexed" "$sq_indexed")"
	printf 'bytes on disk per line\t%s\t%s\t%s\n' "$ld_bpl" "$sq_bpl" "$(ratio "$sq_bpl" "$ld_bpl")"
	printf 'peak RSS while loading, MiB\t%s\t%s\t%s\n' "$ld_rss" "$sq_rss" "$(ratio "$sq_rss" "$ld_rss")"
}
query_rows() {
	printf 'figure\thits logdb / rg / SQLite\tlogdb in-proc ms\tSQLite in-proc ms\tSQLite ÷ logdb\tlogdb process ms\trg process ms\tSQLite process ms\trg ÷ logdb\tSQLite ÷ logdb\n'
	local f
	for f in "${figures[@]}"; do
		printf '%s\t%s / %s / %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${TITLE[$f]}" \
			"${LD_HITS[$f]}" "${RG_HITS[$f]:-—}" "${SQ_HITS[$f]}" \
			"$(ms "${LD_IN[$f]}")" "$(ms "${SQ_IN[$f]}")" "$(ratio "${SQ_IN[$f]}" "${LD_IN[$f]}")" \
			"$(ms "${LD_CLI[$f]}")" "$(ms "${RG_MS[$f]}")" "$(ms "${SQ_CLI[$f]}")" \
			"$(ratio "${RG_MS[$f]}" "${LD_CLI[$f]}")" "$(ratio "${SQ_CLI[$f]}" "${LD_CLI[$f]}")"
	done
}
table() { column -t -s $'\t'; }
markdown() {
	awk -F '\t' '{
		printf "|"; for (i = 1; i <= NF; i++) { c = $i; gsub(/\|/, "\\|", c); printf " %s |", c }; print ""
		if (NR == 1) { printf "|"; for (i = 1; i <= NF; i++) printf "---|"; print "" }
	}'
}
if ! command -v column >/dev/null; then
	table() { awk -F '\t' '{for (i = 1; i <= NF; i++) printf "%s%s", $i, (i < NF ? "  |  " : "\n")}'; }
fi

header="$(thousands "$LINES") lines of the synthetic workload (seed $SEED), $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB of JSON; X = $job ($(L .dataset.job_lines) lines); $(date -u +%Y-%m-%d)"
notes="logdb in-proc: mean of warm runs inside one process (query.Parse + query.Run or engine.ReadLines, all rows read); SQLite in-proc: mean of warm runs inside one sqlite3 process (32 MiB page cache, rows written to /dev/null); process: median wall time of $RUNS whole processes (logdb query/read, rg, sqlite3) after one warm-up, output to /dev/null, page cache warm. rg has no time index (the last hour: —) and reads the job and level from the JSON text; its range is 'rg -m 1100 … | tail -n 101'. SQLite: one bulk transaction (durable at COMMIT), then an index on (job, line) and FTS5 on msg (indexed); logdb: one client appending synced batches of 8192 lines. A ratio above 1× means logdb is faster (or smaller)."

{
	echo "Baselines: $header"
	echo "machine: $machine"
	echo
	ingest_rows | table
	echo
	query_rows | table
	echo
	echo "$notes" | fold -s -w 100
	echo
	echo "Markdown:"
	echo
	echo "#### Baselines: $header"
	echo
	echo "Machine: $machine. Produced by \`bench/baseline/run.sh $LINES\`."
	echo
	ingest_rows | markdown
	echo
	query_rows | markdown
	echo
	echo "$notes"
} | tee "$work/results.txt"

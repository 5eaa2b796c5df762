// Package query parses, plans and runs logdb's filter language over an
// engine.DB.
//
//	q, err := query.Parse(`level>=Warn "connection reset" app=billing since=-1h | sort by time desc | limit 20`)
//	if err != nil {
//		fmt.Println(err) // a *ParseError with a caret under the problem
//		return
//	}
//	rows, err := query.Run(ctx, db, q, query.Options{})
//	if err != nil { … }
//	defer rows.Close()
//	for rows.Next() {
//		e := rows.Row().Entry
//		fmt.Println(e.Job, e.Line, e.Message)
//	}
//	if err := rows.Err(); err != nil { … }
//
// # Basics
//
// The language, checked against grep by its users:
//
//	timeout                    the word, case-insensitively (grep -iw)
//	"connection reset"         the text, case-insensitively (grep -iF); \" and \\ escape
//	/time(d)?out/              an RE2 regular expression anywhere in the message
//	level=Error level>=warning level by name or alias, compared by severity
//	job=etl-* job!=abc         runs by job name; * matches any text
//	attempt=2 attempt=latest attempt=-1   attempts; -1 is the one before the latest
//	app=billing env!=prod      labels, any name; * matches any text
//	line>=100 line<=200        line numbers inside a run
//	since=-1h until=-5m        relative times (ms s m h d w, or now)
//	since=2025-03-20T00:00:00Z since="2025-03-20 08:00"   absolute times
//	during=today               yesterday, day-before-yesterday, this-week,
//	                           last-week, last-5m … last-30d, or a date
//	tz=+08:00 tz=Asia/Shanghai the zone of the whole query
//	NOT x  -x  a OR b  a AND b  a b  ( … )
//	| sort by time desc, job   | limit 100 | head 10 | offset 20
//	| count | count by job, level | fields time, level, msg | context 3
//	status>=500 took>1.5s      labels as numbers and durations (milliseconds)
//	status:[500, 599]          a range; "(" or ")" leaves an end out
//	level in (Error, Fatal)    one of a list
//	| stats by (_time:5m, level) count(), quantile(0.95, took) as p95
//	| histogram 1h | top 10 by (job) | uniq by (user) | filter count > 10
//	| field_names | field_values level
//	| unpack_json | unpack_logfmt from f | extract "took <ms>ms" | extract_regexp "(?P<ms>\d+)ms"
//
// AND binds tighter than OR and juxtaposition means AND; keywords are upper
// case only, so "not found" searches two words. A query is read into a Query
// (ast.go) by Parse, which reports every problem, also unknown levels,
// regular expressions, times and zones, as a *ParseError with a position.
// Query.String prints a query so that it parses back to the same tree.
//
// NewPlan lowers a Query into an engine.Filter, pushing a leading
// "sort by time" and leading limit/offset into engine.QueryOptions, and
// Plan.Run (or Run) runs it against a Source such as *engine.DB. Rows yields
// entries (log lines, marked as hits or context lines for "| context", with
// separator rows between context groups) or records with named columns
// ("| count", "| fields"). Package output writes them as text.
//
// Relative times and calendar ranges are resolved once, when the plan is
// made, against Options.Now in the query's zone: tz= if given, else
// Options.Location, else time.Local. Weeks start on Monday; since is
// inclusive, until exclusive; a date alone means its midnight. ParseZone
// reads zones as tz= does, for flags and settings that take one; the
// package compiles in the zone database, so IANA names work on machines
// without one.
//
// # Caveats
//
// Parse, NewPlan and a Plan are safe for concurrent use; Rows is not. A Row
// is valid until the next call to Rows.Next. The context passed to Run
// bounds the whole run, including later calls to Rows.Next, and cancelling
// it stops the engine query.
//
// Words are bare tokens: job-52b3, 10.0.0.1, /api/v1/users, a@b.c and C:\x
// are words, not operators. A '-' negates only at the start of a term and
// directly before a letter, digit, '_', '"', '(' or '/'; "name=value" is a
// comparison only when the name is a bare identifier; '/' starts a regular
// expression only when the literal closes before whitespace, ')', '|' or
// the end, with its parentheses balanced; one with spaces inside must write
// '/' as \/. A '/' that could have closed one but stands in an open '(' or
// '[' of it ("/a(b/", "/[/") is an error saying what regexp/syntax finds
// wrong, and so is a word that starts with '/', holds regex syntax and no
// other '/' ("/time(d)?out"); /tmp and /static/*.js stay words. Quote
// anything else: "a=b", "-5", "x|y". String keeps a '('
// right after a word ending in '/' as it was, since a space there would
// start a regex.
//
// "| sort" holds all its rows in memory, "| count by" its groups, and
// "| context" the hit line numbers of one group. Each accounts what it holds
// against Limits.MaxMemory (by default 256 MiB, or an eighth of the
// machine's memory when that is less) and, if set, a MemoryPool shared by
// the queries running at once; a query that needs more stops with a
// *MemoryError naming the pipe and the limit. Limits.Timeout and the
// context's deadline stop a query, also while it sorts, with a
// *TimeoutError. Ties in "sort by" are broken by the engine's
// order (time, job, attempt, line) in the direction of the first key.
// "count by" returns groups by count, highest first, then by key. "context"
// must be the last pipe.
package query

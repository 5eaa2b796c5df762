// Package server serves an engine.DB over TCP in RESP2, the Redis protocol,
// so that one process owns the data directory and everyone else talks to
// it: nc and telnet (inline commands), redis-cli, redis-benchmark, every
// Redis client library, and package client (which logdb --server uses).
//
//	db, err := engine.Open("logdb-data", nil)
//	if err != nil { … }
//	defer db.Close()
//	srv, err := server.New(db, &server.Options{AuthToken: token})
//	if err != nil { … }
//	go func() {
//		<-ctx.Done()
//		srv.Shutdown(context.Background()) // graceful: see Shutdown
//	}()
//	err = srv.ListenAndServe("127.0.0.1:7379") // ErrServerClosed after Shutdown
//
// # Protocol
//
// A request is a RESP array of bulk strings, or an inline command: a line
// of words split as Redis splits them, with "double quotes" (escapes \n
// \t \" \xHH …) and 'single quotes'. Replies are RESP2: +simple, -CODE
// error, :integer, $bulk, *array; redis-cli shows them readably. Requests
// on one connection run one at a time and are answered in order, so
// pipelining works. Errors start with a code clients can branch on: ERR,
// NOAUTH, WRONGPASS, RATELIMIT, NOTFOUND (no such run), BADCURSOR,
// FINISHED (the run has ended), TOOLONG (a line over the limit), TIMEOUT
// (the query timeout), OOM (a query over its memory, as Redis's
// maxmemory), SHUTDOWN, NOPROTO. Times are RFC 3339 with nine
// digits of nanoseconds; an unknown time is nil.
//
// # Commands
//
// HELP on a connection lists them with their arguments.
//
//	PING [msg]  ECHO msg  AUTH [user] token  HELLO [2 [AUTH user token]]  INFO [section]  QUIT  RESET
//	APPEND job attempt line...            text lines; time and level detected as by logdb ingest
//	APPENDJSON job attempt json...        JSON lines, as logdb ingest --format json
//	APPENDENTRIES job attempt time level msg nlabels [name value]... ...   exact entries
//	INGEST name [FORMAT f] [JOB j] [ATTEMPT a] [TIMEFORMAT f] [PATTERN p] [TZ zone] [MAXLINEBYTES n] [BINARY]
//	INGEST.DATA bytes  INGEST.END      a stream of raw bytes parsed as logdb ingest does; see cmd_ingest.go
//	START job attempt|next [KIND k] [LABEL name=value]... [TRIGGER t] [STARTED t] [STATE running|waiting]
//	RETRY job                             the attempt after the latest, with its kind and labels
//	FINISH job attempt success|failed|canceled [exit_code [message]] [EXIT n] [MESSAGE m] [ENDED t] [DURATION d] [MEMORY bytes]
//	PIN job attempt  UNPIN job attempt    exempt a run from retention, or not
//	DELRUN job attempt                    delete a run, its lines and index entries
//	RUN job attempt                       a run's record: state, times, exit code, counts, labels
//	RUNS                                  every run's record
//	GC [MAXAGE age] [RULE rule]... [DRYRUN]   delete the runs past their retention
//	READ job attempt [FROM n] [COUNT n] [LEVEL l] [CURSOR c] [FORMAT entry|full|raw|json]
//	QUERY filter [COUNT n] [CURSOR c] [FORMAT entry|full|raw|json] [TZ zone] [OVER lines|runs]
//	SUBSCRIBE run:<job>:<attempt>[:from=N][:cursor=C][:level=L] | query:<filter>
//	UNSUBSCRIBE [channel ...]
//
// An append answers the line number each line got, and is all or nothing.
// An argument of APPEND or APPENDJSON may hold several lines separated by
// "\n", so `redis-cli -x APPEND build 0 < build.log` sends a file in one
// request; the detection state (a line without a time takes the time of
// the line before) starts afresh with each request. APPENDENTRIES's
// nlabels is the number of labels, or that number, a colon and a letter
// per label giving its kind: s a string, n a JSON number, b a JSON
// boolean (2:ns), as FORMAT full writes the kinds.
//
// READ follows the task-instance log API GetInstanceLog: attempt is a
// number, latest or -K; COUNT defaults to 10000; LEVEL Warn means Warn or
// worse, =Warn exactly, All no filter. Its reply is a flat key/value
// array: lines (per FORMAT: entry [line, time, level, msg], full adds the
// labels and, if a label is a JSON number or boolean, their kinds; raw the
// message alone, json an object), job, attempt,
// line_count, is_end, bytes, start_time, last_time, end_time, state,
// count, cursor. The cursor (the engine's) continues after the last line
// examined, also once the run has grown, never skipping or repeating a
// line; with CURSOR, job and attempt are not used (pass - -).
//
// The run commands write runs' records as the engine's StartRun, Retry,
// FinishRun, Pin and DeleteRun do. START and RETRY answer the run's record
// as RUN does: a flat key/value array of job, attempt, kind, state,
// pinned, labels, line_count, bytes, levels, trigger_time, start_time,
// end_time, created_time, updated_time, first_time, last_time,
// duration_ns, billed_ns (the duration rounded up to 100 ms),
// peak_memory, exit_code and exit_message. START's attempt is a number or
// next (the attempt after the job's latest); its times are Unix
// nanoseconds or RFC 3339, and LABEL repeats. FINISH keeps its positional
// exit code and message; after the exit code, the next argument is the
// message unless it names an option and more arguments follow. ENDED
// defaults to now; DURATION
// is a Go duration (1.5s, 2.735ms) or milliseconds (2.735), MEMORY bytes
// or a size (128MiB). PIN, UNPIN, DELRUN and FINISH answer +OK. A write
// runs to the end once its request has arrived, even if the client hangs
// up.
//
// GC takes retention as logdb gc does: MAXAGE (30d, 12h, 2w, forever; 30d
// if only RULEs are given) and RULEs, each one argument (quote it inline:
// RULE "status=failed env=dev:12h"); the first rule matching a run gives
// its age. Without either it applies the server's own retention. DRYRUN
// deletes nothing. It answers checked, deleted (runs), lines, bytes,
// kept_pinned (expired runs kept as pinned), dry_run, runs: the records
// of the runs deleted, or that would be, and kept_running (expired runs
// kept because they have not finished; INCLUDERUNNING deletes them too).
//
// QUERY takes the filter language of package query as one argument
// (quote it) and answers one page: rows (entry [time, job, attempt, line,
// level, msg], full adds labels, a context flag and maybe kinds as READ
// does; records of "| count"
// or "| fields" as arrays of values; separators of "| context" as nil),
// columns, types (per column: int, float, time, level or string, so that
// clients can restore the values), count, is_end, cursor (nil at the end)
// and tz. OVER runs runs the query over the runs' records instead, as
// query.RunRuns does. Pass the cursor
// back as QUERY - CURSOR c. Rows in the engine's order (no pipes, or only
// "| sort by time [desc]") are resumed from the position of the last row,
// (time, job, attempt, line), so pages never skip or repeat a row, also
// when rows share a timestamp; other queries are resumed by offset.
// cursor.go has the details and the costs.
//
// # Following
//
// Following a run or a query uses Redis's publish/subscribe frames, which
// redis-cli and client libraries already handle; see cmd_follow.go. A run
// channel streams the run's history, then its live lines through the
// engine's cursor (no gap, no repeat), then a final message with its
// state, then the unsubscribe frame. A query channel streams matching
// lines appended after it started. Payloads are JSON objects as `logdb
// query -o json` writes lines; the final one has "end":true and no "line".
//
// # Limits
//
// Options holds them, each with a default: loopback only unless a token is
// set (ErrInsecureListen), optional TLS, 256 connections, 64 KiB inline
// commands, 64 MiB requests, the engine's longest line, a 30 s read
// timeout for a request once begun (a slowloris client is cut off), 5 min
// idle timeout (not while following), 30 s write timeout, 20 requests/s
// per connection in a token bucket (answered with RATELIMIT and the wait,
// the connection stays usable), a 30 s query timeout, and queries
// cancelled when their client hangs up. Failed AUTHs are limited: after 5
// from one address (its IP, or IPv6 /64), each AUTH from it is refused
// for a window of 1 s that doubles with each further failure up to 5 min,
// and across all addresses no more than 10 fail per second; a successful
// AUTH clears the address. Tokens are compared as SHA-256 digests in
// constant time, so that neither timing nor length gives them away. A malformed request is answered
// with an error and the connection goes on; only a broken RESP array
// header, after which the stream cannot be followed, closes it, as in
// Redis.
//
// # Caveats
//
// A Server is safe for concurrent use. It does not own the DB: close the
// DB after Shutdown returns. RESP3 (HELLO 3) is not supported; clients
// fall back to RESP2. Only one database (SELECT 0). The rate limit is per
// connection, not per address. redis-cli stays in its subscribe loop
// after the final frame of a run; press Ctrl-C. Following a query costs a
// read of every run's record each time something is appended (at most ten
// times a second per follower).
package server

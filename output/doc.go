// Package output writes the rows of a query (query.Rows) as text for a CLI,
// a REPL or a server: raw, json, table, csv or short.
//
//	rows, err := query.Run(ctx, db, q, query.Options{})
//	if err != nil { … }
//	defer rows.Close()
//	w, err := output.New(os.Stdout, output.Options{Format: "table", Location: rows.Location()})
//	if err != nil { … }
//	for rows.Next() {
//		if err := w.Write(rows.Row()); err != nil { … }
//	}
//	if err := rows.Err(); err != nil { … }
//	return w.Flush()
//
// # Basics
//
// NewWriter(w, format) or New(w, Options) returns a Writer; Write takes one
// query.Row at a time and Flush writes out what is buffered. The formats:
//
//   - raw: an entry's message alone, a record's values separated by tabs
//     ("| count" gives the number alone), "--" between context groups.
//     With Options.Context each line has job/attempt:line: (a hit) or
//     job/attempt-line- (context) before it, as grep -Hn -C; with
//     Options.Runs label columns are written name=value.
//   - json: one object per line; entries with time (RFC 3339, nanoseconds,
//     UTC), level, job, attempt, line, msg and the labels as top-level keys;
//     records with their columns. See the clash rule on labels below.
//   - table: aligned columns with a header, for terminals; with
//     Options.Runs durations and sizes in human units (RunValue).
//   - csv: RFC 4180 with a header line.
//   - short: one line per entry, as journalctl shows them: time, level,
//     job/attempt:line, message; unbuffered between lines, for live
//     streams. Records as raw.
//
// # Control characters
//
// A job name, label or message may hold any bytes, newlines and terminal
// escape sequences included. Every text format escapes them (Escape: \n,
// \r, \t, \x1b, \u009b …), so that a value cannot forge rows, columns or
// colours: table, short and csv in every field, raw in record values. raw
// writes an entry's message exactly as stored, since it is for pipes;
// json escapes by its own rules, \u001b and so on, and decodes to the
// exact text. Use Escape for any other place that shows such values.
//
// # Caveats
//
// A Writer is not safe for concurrent use; use one per stream. Write does not
// keep the row, so it works with rows that Rows.Next reuses. table buffers
// every row until Flush to align the columns: call Flush after each page or
// batch when streaming. csv takes its header from the first row written.
// In json a label named like a fixed key (time, level, job, attempt, line,
// msg, context) is written as "label.<name>".
package output

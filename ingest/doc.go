// Package ingest turns the bytes of log files into engine.Entry values.
//
// A Reader reads one file or stream line by line and returns an entry per
// line, with the time, level and labels it finds in the line:
//
//	r := ingest.NewReader(f, "build.log", ingest.Options{Job: "build"})
//	for {
//		e, err := r.Read()
//		if err == io.EOF {
//			break
//		}
//		var le *ingest.LineError
//		if errors.As(err, &le) {
//			log.Print(le) // "build.log:17: invalid JSON: …"; go on
//			continue
//		}
//		if err != nil {
//			return err // the file could not be read
//		}
//		batch = append(batch, e)
//	}
//
// The command line (logdb ingest) and the network receivers both use it.
//
// # Basics
//
// Lines are split the way sed numbers them: every "\n" ends a line, a "\r"
// before it is dropped, a "\r" anywhere else stays, and a last line without
// "\n" counts. Entry.Line is the source line number; the engine ignores it
// and numbers lines itself. A line longer than Options.MaxLineBytes is
// skipped without being held in memory and reported as a *LineError.
//
// Options.Format says how lines are written:
//
//   - FormatText: the message is the line exactly as written (colour codes
//     included). A timestamp and a level are detected when the line is in
//     a common layout: RFC 3339 / ISO 8601 and what log4j, logback,
//     Python, oslo, Go, nginx, Windows CBS and journald write after it,
//     GitHub Actions raw logs, `gh run view --log` lines and "##[error]" /
//     "::error" markers, BSD syslog (also with a PRI), RFC 5424, klog (also
//     wrapped by journald), Kafka, Spark, HDFS, Android logcat, Apache's
//     error and access logs (the HTTP status gives the level), Rust's
//     env_logger, slog text, epochs, Maven's "[ERROR]" and a level word
//     among a line's leading code fields. The detection is conservative: a
//     line whose layout is not recognised gets no level (engine.NoLevel),
//     because a false level is worse than none. The level as written, if
//     it is not the level's name in some case, is kept as the label
//     level_text (LevelTextLabel). A line without a time
//     gets the time of the line before it; a line that continues a
//     multi-line entry (a stack trace, an indented line) also gets its
//     level and level_text. Before the first time, lines get the ingest
//     time. See textDetector for the layouts and their order, and
//     continuation for multi-line entries. Options.TimeFormat and
//     Options.Pattern name other layouts.
//   - FormatJSON: one JSON object per line. The time comes from time, ts,
//     timestamp, @timestamp or _time (RFC 3339, or epoch seconds,
//     milliseconds, microseconds or nanoseconds told apart by magnitude);
//     the level from level, severity or lvl (names, pino/bunyan numbers
//     10–60, syslog severities 0–7), and a level written other than by its
//     name ("SEVERE", "notice", 30) is also kept as the label level_text;
//     the message from msg, message, _msg or
//     log; the run from job or job_id and attempt. Every other key becomes a
//     label: nested objects are flattened with dotted names, arrays are kept
//     as compact JSON, null is dropped; numbers and booleans keep their
//     text as written and their type as the label's Kind (engine.LabelNumber,
//     engine.LabelBool), so that output in JSON writes them unquoted; logfmt
//     values are strings. A line without a message key is kept
//     whole as the message. Blank lines are skipped.
//   - FormatLogfmt: key=value pairs (go-logfmt), with the keys of json.
//   - FormatAuto, the default, picks one of the above from the first
//     non-blank line of the file: json if it starts with "{", logfmt if it
//     starts with "ident=" and has at least two key=value pairs, text
//     otherwise.
//
// Times without a zone are in Options.Location. Syslog, klog, logcat and
// "[MM.dd …]" times have no year; they get the latest year that does not
// put them more than a day after the ingest time.
//
// Reader.Stats counts what a Reader found: lines, lines with a time and
// with a level of their own, continued lines and lines per layout.
// BinaryCheck wraps an input so that a binary file is refused before its
// "lines" are read.
//
// # Caveats
//
// A Reader is not safe for concurrent use; use one per stream. Entries it
// returns own their strings and stay valid after the next Read, but to save
// allocations the strings of many entries share one 32 KiB block, so a
// retained entry keeps its block alive.
//
// Options.Job may be empty when every line names its job; otherwise the
// caller must fill Entry.Job in before appending, as the engine rejects
// entries without one. Keys named job and attempt are common in application
// logs for other purposes (a batch job, a retry counter); they still name
// the run, as documented.
package ingest

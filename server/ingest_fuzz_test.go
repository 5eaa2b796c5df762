package server

import (
	"strings"
	"testing"
)

// FuzzIngestArgs feeds arbitrary inline commands to the argument parser of
// INGEST: it must never panic, must refuse bad input with a reply error of
// its own, and what it takes must be options a Reader accepts, with a
// line limit no higher than the server's.
func FuzzIngestArgs(f *testing.F) {
	for _, s := range []string{
		`INGEST app.log`, `INGEST app.log FORMAT json JOB app ATTEMPT latest TZ UTC MAXLINEBYTES 1024 BINARY`,
		`INGEST a FORMAT logfmt ATTEMPT -2 TZ +08:00`, `INGEST a FORMAT TEXT TIMEFORMAT "%d.%m.%Y %H:%M:%S"`,
		`INGEST a PATTERN "^%{WORD:app}\\|%{LEVEL:level}\\|%{TIMESTAMP:time}\\|%{GREEDYDATA:msg}"`,
		`INGEST a PATTERN (`, `INGEST a TIMEFORMAT %Q`, `INGEST a JOB "x\x00y"`, `INGEST "" FORMAT json`,
		`INGEST a MAXLINEBYTES 99999999999999999999`, `INGEST a ATTEMPT 2147483648`, `INGEST a BINARY BINARY`,
		`INGEST a TZ ../../etc/passwd`, `INGEST "a\nb"`, `INGEST a JOB`,
	} {
		f.Add(s)
	}
	const maxLine = 1 << 20
	f.Fuzz(func(t *testing.T, line string) {
		args, err := splitInline([]byte(line))
		if err != nil || len(args) == 0 || !strings.EqualFold(string(args[0]), "INGEST") {
			return
		}
		req, err := parseIngest(args[1:], maxLine)
		checkReplyError(t, line, err)
		if err != nil {
			return
		}
		if req.name == "" || req.opts.Job == "" {
			t.Fatalf("%q: took an empty name or job: %+v", line, req)
		}
		if req.opts.MaxLineBytes <= 0 || req.opts.MaxLineBytes > maxLine {
			t.Fatalf("%q: took a line limit of %d", line, req.opts.MaxLineBytes)
		}
		if err := req.opts.Validate(); err != nil {
			t.Fatalf("%q: took options the Reader refuses: %v", line, err)
		}
	})
}

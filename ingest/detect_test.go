package ingest

import (
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that the text detector, given whole lines, finds the time and
// level of each supported form, uses Options.Location for zone-less times
// and the ingest time to choose a year, and stays quiet on lines that only
// look similar.
func TestTextDetector(t *testing.T) {
	loc := time.FixedZone("CDT", -5*3600)
	now := time.Date(2023, 9, 20, 12, 0, 0, 0, time.UTC)
	d := textDetector{clock: newClock(loc, now)}
	utc := func(y, mo, dd, h, mi, s, ns int) time.Time {
		return time.Date(y, time.Month(mo), dd, h, mi, s, ns, time.UTC)
	}
	local := func(y, mo, dd, h, mi, s, ns int) time.Time {
		return time.Date(y, time.Month(mo), dd, h, mi, s, ns, loc)
	}

	tests := []struct {
		name string
		in   string
		want time.Time // zero: no time
		lvl  engine.Level
	}{
		{"GitHub raw", "2022-04-27T19:35:18.0513221Z Requested labels: ubuntu-latest", utc(2022, 4, 27, 19, 35, 18, 51322100), engine.NoLevel},
		{"GitHub raw error", "2022-04-27T19:35:18.0513221Z ##[error]Process completed with exit code 1.", utc(2022, 4, 27, 19, 35, 18, 51322100), engine.Error},
		{"GitHub raw warning", "2022-04-27T19:35:18Z ##[warning]deprecated", utc(2022, 4, 27, 19, 35, 18, 0), engine.Warn},
		{"gh run view --log", "build-test-deploy\tSet up job\t2021-12-01T13:00:40.1077661Z Current runner version: '2.284.0'", utc(2021, 12, 1, 13, 0, 40, 107766100), engine.NoLevel},
		{"gh run view --log error", "build\tRun tests\t2021-12-01T13:00:40Z ##[error]boom", utc(2021, 12, 1, 13, 0, 40, 0), engine.Error},
		{"GitHub with Maven in colour", "2022-04-27T19:35:18Z [\x1b[1;31mERROR\x1b[m] Failed", utc(2022, 4, 27, 19, 35, 18, 0), engine.Error},
		{"ISO space comma, zone-less", "2016-12-19 16:31:47,437 INFO started", local(2016, 12, 19, 16, 31, 47, 437000000), engine.Info},
		{"ISO level colon", "2024-01-02T03:04:05Z ERROR: disk full", utc(2024, 1, 2, 3, 4, 5, 0), engine.Error},
		{"ISO level bare", "2024-01-02T03:04:05Z WARN low memory", utc(2024, 1, 2, 3, 4, 5, 0), engine.Warn},
		{"ISO lower-case bare is not a level", "2024-01-02T03:04:05Z warn low memory", utc(2024, 1, 2, 3, 4, 5, 0), engine.NoLevel},
		{"ISO bracketed level", "2024-01-02T03:04:05Z [warn] low memory", utc(2024, 1, 2, 3, 4, 5, 0), engine.Warn},
		{"log4j inline", "2024-01-02 03:04:05,123 [main] WARN com.x.Foo - careful", local(2024, 1, 2, 3, 4, 5, 123000000), engine.Warn},
		{"Python logging", "2016-12-19 16:31:47,437 - root - ERROR - failed", local(2016, 12, 19, 16, 31, 47, 437000000), engine.Error},
		{"Go log", "2009/11/10 23:00:00 hello", local(2009, 11, 10, 23, 0, 0, 0), engine.NoLevel},
		{"Kafka", "[2016-12-19 16:31:46,143] INFO KafkaConfig values: ", local(2016, 12, 19, 16, 31, 46, 143000000), engine.Info},
		{"Kafka WARN", "[2016-12-19 20:39:48,918] WARN [ReplicaFetcherThread-0-2], Error in fetch", local(2016, 12, 19, 20, 39, 48, 918000000), engine.Warn},
		{"syslog", "Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: Server listening on 0.0.0.0 port 22.", local(2023, 3, 27, 13, 6, 56, 0), engine.NoLevel},
		{"syslog after now is last year", "Dec 24 18:00:00 host prog: x", local(2022, 12, 24, 18, 0, 0, 0), engine.NoLevel},
		{"syslog error", "Mar 27 13:06:56 host sshd[1]: error: Could not load host key", local(2023, 3, 27, 13, 6, 56, 0), engine.Error},
		{"journald klog", "Sep 15 19:50:17 kind-worker kubelet[704773]: E0915 19:50:17.864353  704773 kubelet.go:2160] \"Failed\"", local(2023, 9, 15, 19, 50, 17, 864353000), engine.Error},
		{"klog", "I0915 20:01:48.245569       1 round_trippers.go:466] curl -v -XGET", local(2023, 9, 15, 20, 1, 48, 245569000), engine.Info},
		{"klog warning", "W0915 20:01:48.245569 1 x.go:1] ERROR in text", local(2023, 9, 15, 20, 1, 48, 245569000), engine.Warn},
		{"klog hex dump", "00000180  2d 65 35 37 32 31 32 39  33 31 63 38 30 10 0f 1a  |-e57212931c80...|", none, engine.NoLevel},
		{"Apache", `83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 203023`, utc(2015, 5, 17, 10, 5, 3, 0), engine.Info},
		{"Maven", "[INFO] Building jar: /x.jar", none, engine.Info},
		{"Maven colour", "[\x1b[1;31mERROR\x1b[m] Failed to execute goal", none, engine.Error},
		{"Maven colour warning", "[\x1b[1;33mWARNING\x1b[m] x", none, engine.Warn},
		{"Jenkins", "ERROR: Build step failed with exception", none, engine.Error},
		{"JUL", "SEVERE: file:/builds/workspace/juliac/./:", none, engine.Error},
		{"git", "fatal: not a git repository", none, engine.Fatal},
		{"Jenkins first line", "Started by timer", none, engine.NoLevel},
		{"stack trace", "\tat kafka.server.ReplicaFetcherThread.fetch(ReplicaFetcherThread.scala:238)", none, engine.NoLevel},
		{"exception", "java.io.IOException: Connection to 2 was disconnected", none, engine.NoLevel},
		{"no inline without a time", "Sending ERROR report to server", none, engine.NoLevel},
		{"BOM", "\xef\xbb\xbf2022-04-27T19:35:18Z ##[group]Run x", utc(2022, 4, 27, 19, 35, 18, 0), engine.NoLevel},
		{"empty", "", none, engine.NoLevel},
		{"bad date is text, its level a field", "2023-02-30 10:00:00 ERROR x", none, engine.Error},
	}
	for _, tt := range tests {
		r := d.detect([]byte(tt.in))
		got, ok, lvl := r.time, r.hasTime, r.level
		if ok != !tt.want.IsZero() || (ok && got != tt.want.UnixNano()) || lvl != tt.lvl {
			gotT := "none"
			if ok {
				gotT = time.Unix(0, got).UTC().String()
			}
			wantT := "none"
			if !tt.want.IsZero() {
				wantT = tt.want.UTC().String()
			}
			t.Errorf("%s: detect(%q) = %s, %v; want %s, %v", tt.name, tt.in, gotT, lvl, wantT, tt.lvl)
		}
	}
}

// detectTest is a line and what textDetector must find in it.
type detectTest struct {
	name   string
	in     string
	want   time.Time // zero: no time
	lvl    engine.Level
	word   string // the level as written
	layout string
}

// detectNow is the ingest time of the detector tests, which decides the
// year of times written without one.
var detectNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// runDetectTests runs textDetector in UTC at detectNow on each line and
// checks its time, level, level text and layout.
func runDetectTests(t *testing.T, tests []detectTest) {
	t.Helper()
	d := textDetector{clock: newClock(time.UTC, detectNow)}
	for _, tt := range tests {
		r := d.detect([]byte(tt.in))
		if r.hasTime != !tt.want.IsZero() || (r.hasTime && r.time != tt.want.UnixNano()) ||
			r.level != tt.lvl || string(r.word) != tt.word || r.layout != tt.layout {
			gotT := "none"
			if r.hasTime {
				gotT = time.Unix(0, r.time).UTC().Format(time.RFC3339Nano)
			}
			wantT := "none"
			if !tt.want.IsZero() {
				wantT = tt.want.UTC().Format(time.RFC3339Nano)
			}
			t.Errorf("%s: detect(%q) = %s, %v %q, %q; want %s, %v %q, %q", tt.name, tt.in,
				gotT, r.level, r.word, r.layout, wantT, tt.lvl, tt.word, tt.layout)
		}
	}
}

// at is a UTC time for the detector tests.
func at(y, mo, d, h, mi, s, ns int) time.Time {
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
}

// none is the time of a line without one in the detector tests.
var none = time.Time{}

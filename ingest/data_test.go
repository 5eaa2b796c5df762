package ingest

// Tests on the real third-party logs in shared/data (see its README). They
// compare the Reader with expectations computed independently: bytes.Split
// for lines, regular expressions for levels, the time package for times.

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// dataDir returns the test data folder: $LOGDB_TESTDATA, or shared/data
// beside the repository. It skips the test when there is none.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LOGDB_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real log data: %s not found (set LOGDB_TESTDATA)", dir)
	}
	return dir
}

// cdt is the zone the data tests read zone-less times in.
var cdt = time.FixedZone("CDT", -5*3600)

// readFile reads every entry of a file; a line error fails the test.
func readFile(t *testing.T, path string, opts Options) ([]engine.Entry, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(data), filepath.Base(path), opts)
	var out []engine.Entry
	for {
		e, err := r.Read()
		if err == io.EOF {
			return out, data
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, e)
	}
}

// sedLines splits data the way sed numbers lines.
func sedLines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	lines := bytes.Split(data, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1] // the "\n" ended the last line
	}
	return lines
}

func textOptions(now time.Time) Options {
	return Options{Format: FormatText, Location: cdt, Now: func() time.Time { return now }}
}

var (
	ghRawTime  = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) `)
	ghFullTime = regexp.MustCompile(`^[^\t]+\t[^\t]*\t(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) `)
)

// Ensure that, for every CI log of cidiff, the text Reader gives one entry
// per sed line whose message is the line minus a trailing "\r", and that
// GitHub Actions lines get the time written on them.
func TestData_CidiffLines(t *testing.T) {
	dir := dataDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "cidiff", "*", "*", "*.log"))
	if len(files) < 100 {
		t.Fatalf("found %d cidiff logs, want the 136 of the README", len(files))
	}
	for _, path := range files {
		entries, data := readFile(t, path, textOptions(time.Now()))
		lines := sedLines(data)
		if len(entries) != len(lines) {
			t.Errorf("%s: %d entries, sed counts %d lines", path, len(entries), len(lines))
			continue
		}
		var last int64
		for i, e := range entries {
			line := string(bytes.TrimSuffix(lines[i], []byte("\r")))
			if e.Message != line || e.Line != int64(i+1) {
				t.Errorf("%s:%d: entry %d %q, want %q", path, i+1, e.Line, e.Message, line)
				break
			}
			m := ghRawTime.FindStringSubmatch(line)
			if m == nil {
				m = ghFullTime.FindStringSubmatch(line)
			}
			want := last
			if m != nil {
				tm, err := time.Parse(time.RFC3339Nano, m[1])
				if err != nil {
					t.Fatal(err)
				}
				want = tm.UnixNano()
			}
			if (m != nil || i > 0) && e.Time != want {
				t.Errorf("%s:%d: time %v, want %v", path, i+1, e.Timestamp(), time.Unix(0, want).UTC())
				break
			}
			last = e.Time
		}
	}
}

// continued matches the lines of the data that continue a multi-line
// entry: indented lines, "Caused by: …", "... 12 more" and exception
// headers.
var continued = regexp.MustCompile(`^(?:[ \t]|Caused by: |\.\.\. \d+ more$|[\w.$]+(?:Exception|Error)(?::|$))`)

// levelCheck compares the levels and times of the entries of a file with a
// regexp over its raw lines: a line that matches has the level named by its
// group "level" and the time that parseTime makes of its group "time"; a
// line that continues an entry (continued) has the level of the line
// before; any other line has no level; lines without a time have the
// previous line's. The counts it returns are of the lines that do not
// continue an entry.
func levelCheck(t *testing.T, path string, now time.Time, re *regexp.Regexp,
	parseTime func(string) time.Time) map[engine.Level]int {
	t.Helper()
	entries, data := readFile(t, path, textOptions(now))
	lines := sedLines(data)
	if len(entries) != len(lines) {
		t.Fatalf("%s: %d entries, sed counts %d lines", path, len(entries), len(lines))
	}
	li, ti := re.SubexpIndex("level"), re.SubexpIndex("time")
	counts := map[engine.Level]int{}
	want := map[engine.Level]int{}
	var last int64
	lastLvl := engine.NoLevel
	for i, e := range entries {
		wantLvl, wantTime := engine.NoLevel, last
		m := re.FindStringSubmatch(string(lines[i]))
		switch {
		case m != nil:
			wantLvl, wantTime = engine.MustParseLevel(m[li]), parseTime(m[ti]).UnixNano()
		case continued.Match(lines[i]):
			wantLvl = lastLvl
		}
		if m != nil || !continued.Match(lines[i]) {
			counts[e.Level]++
			want[wantLvl]++
		}
		lastLvl = wantLvl
		if e.Level != wantLvl || e.Time != wantTime {
			t.Errorf("%s:%d: %v at %v, want %v at %v (%q)", path, i+1, e.Level, e.Timestamp(),
				wantLvl, time.Unix(0, wantTime).UTC(), lines[i])
		}
		last = e.Time
	}
	for _, l := range []engine.Level{engine.Fatal, engine.Error, engine.Warn, engine.Info, engine.Debug, engine.Trace, engine.NoLevel} {
		if counts[l] != want[l] {
			t.Errorf("%s: %d %v entries, the regexp counts %d", path, counts[l], l, want[l])
		}
	}
	return counts
}

// Ensure that the kubelet (journald + klog) and kube-scheduler (klog) logs
// get the klog level and the klog time of every header line, and that the
// hex-dump continuation lines get neither.
func TestData_Klog(t *testing.T) {
	dir := filepath.Join(dataDir(t), "k8s-failure-reproduction")
	now := time.Date(2023, 9, 16, 0, 0, 0, 0, time.UTC)
	klogTime := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006 0102 15:04:05.000000", "2023 "+s, cdt)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	journald := regexp.MustCompile(`^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kubelet\[\d+\]: (?P<level>[IWEF])(?P<time>\d{4} \d\d:\d\d:\d\d\.\d{6}) `)
	for name, wantErrors := range map[string]int{"C1_kubelet-kind-worker.log": 5, "C1_kubelet-kind-worker2.log": 4} {
		counts := levelCheck(t, filepath.Join(dir, name), now, journald, klogTime)
		if counts[engine.Error] != wantErrors {
			t.Errorf("%s: %d errors, grep counts %d", name, counts[engine.Error], wantErrors)
		}
	}
	plain := regexp.MustCompile(`^(?P<level>[IWEF])(?P<time>\d{4} \d\d:\d\d:\d\d\.\d{6}) `)
	counts := levelCheck(t, filepath.Join(dir, "C1_kube-scheduler.log"), now, plain, klogTime)
	if counts[engine.Info] != 7233 || counts[engine.NoLevel] != 28572-7233 {
		t.Errorf("C1_kube-scheduler.log: counts %v, want 7233 Info and the rest none", counts)
	}
}

// Ensure that the Kafka (log4j) logs get the level and time of every line
// that starts with "[time] LEVEL " and that stack-trace lines get neither.
func TestData_Kafka(t *testing.T) {
	dir := filepath.Join(dataDir(t), "elastic-examples", "kafka")
	files, _ := filepath.Glob(filepath.Join(dir, "kafka0-*"))
	if len(files) != 10 {
		t.Fatalf("found %d Kafka logs, want 10", len(files))
	}
	re := regexp.MustCompile(`^\[(?P<time>[^\]]+)\] (?P<level>INFO|WARN|ERROR|DEBUG|TRACE) `)
	kafkaTime := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04:05,000", s, cdt)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	total := map[engine.Level]int{}
	for _, path := range files {
		for l, n := range levelCheck(t, path, time.Now(), re, kafkaTime) {
			total[l] += n
		}
	}
	// Totals of grep over the ten files; the 153 other lines all continue
	// an entry (config dumps and stack traces).
	want := map[engine.Level]int{engine.Info: 2732, engine.Warn: 57, engine.Error: 5, engine.Debug: 248, engine.Trace: 24, engine.NoLevel: 0}
	for l, n := range want {
		if total[l] != n {
			t.Errorf("%d %v entries in all Kafka logs, want %d", total[l], l, n)
		}
	}

	// Line 1 of server.log.2016-12-19-16, exactly.
	entries, _ := readFile(t, filepath.Join(dir, "kafka0-server.log.2016-12-19-16"), textOptions(time.Now()))
	if want := time.Date(2016, 12, 19, 16, 31, 46, 143e6, cdt); entries[0].Time != want.UnixNano() || entries[0].Level != engine.Info {
		t.Errorf("line 1: %v %v, want Info at %v", entries[0].Level, entries[0].Timestamp(), want)
	}
}

// Ensure that every line of the syslog auth.log gets its time, with the
// year chosen from the ingest time, and sshd's "error: " level; and that every line of
// the Apache access log gets the time in its brackets and the level of its
// HTTP status.
func TestData_SyslogApache(t *testing.T) {
	dir := filepath.Join(dataDir(t), "elastic-examples")
	now := time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC)
	entries, data := readFile(t, filepath.Join(dir, "auth", "auth.log"), textOptions(now))
	lines := sedLines(data)
	if len(entries) != 7121 || len(lines) != 7121 {
		t.Fatalf("auth.log: %d entries, %d lines, want 7121", len(entries), len(lines))
	}
	// sshd writes its LOG_ERR and LOG_CRIT messages as "error: " and
	// "fatal: "; nothing else in the file names a level.
	sshdLevel := regexp.MustCompile(`^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ [\w-]+\[\d+\]: (error|fatal): `)
	counts := map[engine.Level]int{}
	for i, e := range entries {
		want, err := time.ParseInLocation("2006 Jan _2 15:04:05", "2017 "+string(lines[i][:15]), cdt)
		wantLvl := engine.NoLevel
		if m := sshdLevel.FindSubmatch(lines[i]); m != nil {
			wantLvl = engine.MustParseLevel(string(m[1]))
		}
		if err != nil || e.Time != want.UnixNano() || e.Level != wantLvl {
			t.Fatalf("auth.log:%d: %v at %v, want %v at %v (%v)", i+1, e.Level, e.Timestamp(), wantLvl, want, err)
		}
		counts[e.Level]++
	}
	if counts[engine.Error] != 189 || counts[engine.Fatal] != 4 {
		t.Errorf("auth.log: %d errors and %d fatal, grep counts 189 and 4", counts[engine.Error], counts[engine.Fatal])
	}
	// Read in January 2017, the March lines are from 2016.
	entries, _ = readFile(t, filepath.Join(dir, "auth", "auth.log"), textOptions(time.Date(2017, 1, 15, 0, 0, 0, 0, time.UTC)))
	if got := entries[0].Timestamp().In(cdt); got.Year() != 2016 || got.Month() != time.March || got.Day() != 27 {
		t.Errorf("auth.log:1 read in January 2017: %v, want 27 March 2016", got)
	}

	entries, data = readFile(t, filepath.Join(dir, "apache_access", "apache_logs"), textOptions(now))
	lines = sedLines(data)
	if len(entries) != 10000 || len(lines) != 10000 {
		t.Fatalf("apache_logs: %d entries, %d lines, want 10000", len(entries), len(lines))
	}
	re := regexp.MustCompile(`\[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [-+]\d{4})\] "[^"]*" (\d)\d\d `)
	for i, e := range entries {
		m := re.FindSubmatch(lines[i])
		if m == nil {
			t.Fatalf("apache_logs:%d: no time in %q", i+1, lines[i])
		}
		want, err := time.Parse("02/Jan/2006:15:04:05 -0700", string(m[1]))
		wantLvl := map[byte]engine.Level{'5': engine.Error, '4': engine.Warn}[m[2][0]]
		if wantLvl == engine.NoLevel {
			wantLvl = engine.Info
		}
		if err != nil || e.Time != want.UnixNano() || e.Level != wantLvl {
			t.Fatalf("apache_logs:%d: %v at %v, want %v at %v", i+1, e.Level, e.Timestamp(), wantLvl, want)
		}
	}
}

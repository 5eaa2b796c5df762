package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// PeerVictoriaLogs names VictoriaLogs single node, the peer Run can race
// logdb against (Options.Peer).
const PeerVictoriaLogs = "victoria-logs"

// PeerResult is what a peer measured on the same file in the same run, the
// way its users feed and query it: the file in one streaming POST to its
// JSON-lines endpoint, queries in its own language over HTTP.
type PeerResult struct {
	Name    string `json:"name"`
	Exe     string `json:"exe"`
	Version string `json:"version,omitempty"`

	Lines int64 `json:"lines"`
	// IngestSec is the time the POST of the whole file took, until the
	// reply. VisibleSec is the time from the start of the POST until a
	// query first found the last line, with the peer's default settings.
	IngestSec         float64 `json:"ingest_s"`
	IngestLinesPerSec float64 `json:"ingest_lines_per_s"`
	VisibleSec        float64 `json:"visible_s"`

	// DiskBytes is the size of its data directory once its background
	// merges let it settle (no change for SettleSec seconds).
	DiskBytes        int64   `json:"disk_bytes"`
	DiskBytesPerLine float64 `json:"disk_bytes_per_line"`
	// PeakRSS is its peak resident set size over the run (VmHWM:
	// anonymous and file-backed pages together).
	PeakRSS int64 `json:"peak_rss_bytes"`
	// Progress samples it while the POST runs and until the last line is
	// visible: the lines sent so far and its resident set.
	Progress []ProgressSample `json:"progress,omitempty"`

	// Queries are logdb's figures in the peer's query language, over
	// HTTP, warm, with the whole reply read; Kind "http".
	Queries []Timing `json:"queries,omitempty"`
}

// settleQuiet is how long a peer's data directory must keep its size to
// count as settled, and settleMax the longest the benchmark waits.
const (
	settleQuiet = 5 * time.Second
	settleMax   = 3 * time.Minute
)

// findPeer returns the path of the peer's binary: name itself if it is a
// path, else the first of $LOGDB_PEERS/name, ../shared/peers/name (from the
// working directory and its parents) and name on $PATH.
func findPeer(name string) (string, error) {
	if strings.ContainsRune(name, os.PathSeparator) {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("peer %s: %w", name, err)
		}
		return name, nil
	}
	if name != PeerVictoriaLogs {
		return "", fmt.Errorf("unknown peer %q (want %s or the path of its binary)", name, PeerVictoriaLogs)
	}
	var tried []string
	if d := os.Getenv("LOGDB_PEERS"); d != "" {
		tried = append(tried, filepath.Join(d, name))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			tried = append(tried, filepath.Join(d, "..", "shared", "peers", name))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, p := range tried {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return filepath.Clean(p), nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("peer %s not found (looked in $LOGDB_PEERS, ../shared/peers and $PATH)", name)
}

// runVictoriaLogs starts VictoriaLogs on a new directory under work, loads
// d's file into it and measures it.
func runVictoriaLogs(ctx context.Context, o *Options, d *Dataset, work string) (*PeerResult, error) {
	if d.Format != "json" {
		return nil, fmt.Errorf("peer %s: the file must be JSON lines (--format json), not %s", PeerVictoriaLogs, d.Format)
	}
	exe, err := findPeer(o.Peer)
	if err != nil {
		return nil, err
	}
	res := &PeerResult{Name: PeerVictoriaLogs, Exe: exe}
	if out, err := exec.CommandContext(ctx, exe, "-version").Output(); err == nil {
		res.Version = strings.TrimSpace(string(out))
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(work, "victoria-logs")
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(exe, "-httpListenAddr=127.0.0.1:"+strconv.Itoa(port), "-storageDataPath="+dataDir,
		"-retentionPeriod=100y", "-loggerLevel=ERROR",
		// Its default of 30 s cuts the response of a word with all its
		// hits at 100M lines short.
		"-search.maxQueryDuration=1h")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("peer %s: %w", exe, err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt) // it persists its buffers on the way out
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	if err := waitHealthy(ctx, base); err != nil {
		return nil, fmt.Errorf("peer %s: %w", exe, err)
	}
	fmt.Fprintf(o.Log, "bench: %s %s on %s; posting %s…\n", PeerVictoriaLogs, res.Version, base, d.File)

	msgField, timeField, err := jsonFields(d.File)
	if err != nil {
		return nil, err
	}
	insert := base + "/insert/jsonline?" + url.Values{"_stream_fields": {"job"}, "_msg_field": {msgField}, "_time_field": {timeField}}.Encode()
	start := time.Now()
	var sent atomic.Int64
	sample := sampleProgress(cmd.Process.Pid, func() int64 { return linesOf(sent.Load(), d.Bytes, d.Lines) })
	if err := postFile(ctx, insert, d.File, &sent); err != nil {
		sample()
		return nil, fmt.Errorf("peer %s: %w", PeerVictoriaLogs, err)
	}
	res.IngestSec = time.Since(start).Seconds()
	res.Lines = d.Lines
	res.IngestLinesPerSec = float64(d.Lines) / res.IngestSec
	probeQ := fmt.Sprintf("_stream:{job=%s} _msg:=%s* | limit 1", logsQLQuote(d.probe.job), logsQLQuote(d.probe.text))
	for {
		rows, err := vlQuery(ctx, base, probeQ)
		if err != nil {
			return nil, err
		}
		if len(rows) > 0 {
			break
		}
		if time.Since(start) > time.Duration(res.IngestSec*float64(time.Second))+5*time.Minute {
			return nil, fmt.Errorf("peer %s: the last line was not visible 5 minutes after the POST", PeerVictoriaLogs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	res.VisibleSec = time.Since(start).Seconds()
	res.Progress = sample()
	fmt.Fprintf(o.Log, "bench: %s took the POST in %.2fs (%.0f lines/s); the last line was visible after %.2fs; waiting for its merges to settle…\n",
		PeerVictoriaLogs, res.IngestSec, res.IngestLinesPerSec, res.VisibleSec)
	res.DiskBytes = settledSize(ctx, dataDir)
	res.DiskBytesPerLine = float64(res.DiskBytes) / float64(max(d.Lines, 1))

	for _, f := range peerFigures(d) {
		t, err := measureHTTP(ctx, o, base, f)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			// One figure lost is no reason to lose the load's and the
			// other queries' figures.
			fmt.Fprintf(o.Log, "bench: %s query %q failed, left out of the report: %v\n", PeerVictoriaLogs, f.query, err)
			continue
		}
		fmt.Fprintf(o.Log, "bench: %-5s %-40s %7d hits  p50 %s  p95 %s  (%d runs)\n", PeerVictoriaLogs, clip(t.What, 40), t.Hits, fmtMs(t.P50Ms), fmtMs(t.P95Ms), t.Reps)
		res.Queries = append(res.Queries, t)
	}
	res.PeakRSS = procPeakRSS(cmd.Process.Pid)
	return res, nil
}

// peerFigures returns logdb's figures (queryFigures, readFigures) written
// in LogsQL, with the same names. Runs are VictoriaLogs streams (the job
// is the stream field), as its users would set it up.
func peerFigures(d *Dataset) []figure {
	w := d.Word
	stream := "_stream:{job=" + logsQLQuote(d.Job) + "}"
	since := d.Now.Add(-time.Hour).UTC().Format(time.RFC3339Nano)
	until := d.Now.UTC().Format(time.RFC3339Nano)
	from := int64(1000)
	if d.JobLines < 1100 {
		from = max(d.JobLines/2-50, 1)
	}
	fs := []figure{
		{name: figWord, query: w},
		{name: figWordCount, query: w + " | count()"},
		{name: figLevelJob, query: stream + " level:=Error"},
		{name: figWordLastHour, query: w + " _time:[" + since + ", " + until + "]"},
		{name: figCountByLevel, query: "* | stats by (level) count()"},
		{name: "label_level", query: "flow:=etl-orders level:=Warn"},
		// logdb's phrase matches a substring, ignoring case; LogsQL's
		// phrase needs whole words, so the same answer is a regex.
		{name: "phrase", query: `~"(?i)connection reset"`},
		{name: "regexp", query: `~"upstream time(d)?out after 30\\d{3}ms"`},
		{name: "level_count_by_job", query: "level:in(Warn, Error, Fatal) | stats by (job) count() | sort by (job) | limit 10"},
		{name: "stats_5m_level", query: "* | stats by (_time:5m, level) count()"},
		{name: "p95_extracted", query: `"bytes in" | extract " in <ms>ms" | stats quantile(0.95, ms)`},
	}
	if d.RareWord != "" {
		fs = append(fs, figure{name: "rare_word", query: d.RareWord})
	}
	for i := range fs {
		fs[i].kind = "query"
	}
	fs = append(fs,
		figure{name: figReadRun, kind: "read", query: stream + " | sort by (_time)"},
		figure{name: figReadRange, kind: "read", query: fmt.Sprintf("%s | sort by (_time) | offset %d | limit 101", stream, from-1)},
	)
	return fs
}

// measureHTTP times f's query over HTTP as measure times logdb's.
func measureHTTP(ctx context.Context, o *Options, base string, f figure) (Timing, error) {
	t := Timing{Name: f.name, Kind: "http", What: f.query}
	once := func() (hits, rows int64, err error) {
		rs, err := vlQuery(ctx, base, f.query)
		if err != nil {
			return 0, 0, err
		}
		return vlHits(rs), int64(len(rs)), nil
	}
	err := t.repeat(o, once)
	return t, err
}

// vlQuery runs a LogsQL query and returns its rows, one JSON object each.
func vlQuery(ctx context.Context, base, q string) ([]map[string]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/select/logsql/query",
		strings.NewReader(url.Values{"query": {q}}.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
		return nil, fmt.Errorf("%s query %q: %s: %s", PeerVictoriaLogs, q, resp.Status, strings.TrimSpace(string(msg)))
	}
	var rows []map[string]string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r map[string]string
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s query %q: bad row %q: %w", PeerVictoriaLogs, q, sc.Text(), err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// vlHits returns the lines rows stand for: the sum of their count() values
// for a stats query, else the number of rows.
func vlHits(rows []map[string]string) int64 {
	var n int64
	counted := false
	for _, r := range rows {
		if v, ok := r["count(*)"]; ok {
			c, _ := strconv.ParseInt(v, 10, 64)
			n += c
			counted = true
		}
	}
	if counted {
		return n
	}
	return int64(len(rows))
}

// logsQLQuote quotes s as a LogsQL string.
func logsQLQuote(s string) string { return strconv.Quote(s) }

// jsonFields returns the names of the message and time fields of the JSON
// lines in path, from its first line: _msg or msg, _time or time.
func jsonFields(path string) (msg, tm string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	line, err := br.ReadBytes('\n')
	if err != nil && len(line) == 0 {
		return "", "", fmt.Errorf("%s: %w", path, err)
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(line, &rec); err != nil {
		return "", "", fmt.Errorf("%s: line 1 is not a JSON object: %w", path, err)
	}
	msg, tm = "_msg", "_time"
	if _, ok := rec["_msg"]; !ok {
		if _, ok := rec["msg"]; ok {
			msg = "msg"
		}
	}
	if _, ok := rec["_time"]; !ok {
		if _, ok := rec["time"]; ok {
			tm = "time"
		}
	}
	return msg, tm, nil
}

// postFile sends the file at path in one streaming POST of JSON lines,
// counting the bytes sent in sent.
func postFile(ctx context.Context, u, path string, sent *atomic.Int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &countingReader{r: f, n: sent})
	if err != nil {
		return err
	}
	// Without this content type the reply is 200 and nothing is stored.
	req.Header.Set("Content-Type", "application/stream+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s: %s", u, resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

func waitHealthy(ctx context.Context, base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not healthy after 30s: %v", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// settledSize waits until the size of dir has not changed for settleQuiet
// (at most settleMax) and returns it.
func settledSize(ctx context.Context, dir string) int64 {
	size, since := dirSize(dir), time.Now()
	for start := time.Now(); time.Since(start) < settleMax && ctx.Err() == nil; {
		time.Sleep(500 * time.Millisecond)
		if s := dirSize(dir); s != size {
			size, since = s, time.Now()
		} else if time.Since(since) >= settleQuiet {
			break
		}
	}
	return size
}

// dirSize returns the bytes allocated to the files under dir, as du does.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		if fi, err := e.Info(); err == nil {
			n += allocated(fi)
		}
		return nil
	})
	return n
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

package client

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/logdb/logdb/engine"
)

const latest = engine.Latest

// Ping checks that the server answers.
func (c *Client) Ping(ctx context.Context) error {
	v, err := c.Do(ctx, "PING")
	if err == nil && v != "PONG" {
		err = fmt.Errorf("%w: PING answered %v", ErrProtocol, v)
	}
	return err
}

// Info returns the server's INFO fields (logdb_version, connected_clients,
// runs, lines, index_lag …) by name.
func (c *Client) Info(ctx context.Context) (map[string]string, error) {
	v, err := c.Do(ctx, "INFO")
	if err != nil {
		return nil, err
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%w: INFO answered %T", ErrProtocol, v)
	}
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out, nil
}

// Stats returns the store's figures as engine.DB.Stats would, from INFO.
func (c *Client) Stats(ctx context.Context) (engine.Stats, error) {
	m, err := c.Info(ctx)
	if err != nil {
		return engine.Stats{}, err
	}
	n := func(k string) int64 {
		x, _ := strconv.ParseInt(m[k], 10, 64)
		return x
	}
	return engine.Stats{
		Runs: n("runs"), Jobs: n("jobs"), Lines: n("lines"), Bytes: n("bytes"),
		Blocks: n("blocks"), UnsealedLines: n("unsealed_lines"),
		DiskBytes: n("disk_bytes"), IndexBytes: n("index_bytes"),
		IndexReady: m["index_ready"] == "1", IndexLag: n("index_lag"),
	}, nil
}

// Append stores entries exactly (APPENDENTRIES): job, attempt, time (0 for
// now), level, message and labels of each, and returns the line number
// each got, in order. Nothing is stored if the server rejects any entry.
func (c *Client) Append(ctx context.Context, entries ...engine.Entry) ([]int64, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	args := make([]string, 0, 1+7*len(entries))
	args = append(args, "APPENDENTRIES")
	for i := range entries {
		e := &entries[i]
		level := ""
		if e.Level != engine.NoLevel {
			level = e.Level.String()
		}
		args = append(args, e.Job, strconv.Itoa(e.Attempt), strconv.FormatInt(e.Time, 10), level, e.Message, labelCount(e.Labels))
		for _, l := range e.Labels {
			args = append(args, l.Name, l.Value)
		}
	}
	return c.lineNumbers(ctx, args)
}

// AppendText appends text lines to a run (APPEND); the server detects a
// leading time and level as logdb ingest does. A string may hold several
// lines separated by "\n".
func (c *Client) AppendText(ctx context.Context, job string, attempt int, lines ...string) ([]int64, error) {
	return c.lineNumbers(ctx, append([]string{"APPEND", job, strconv.Itoa(attempt)}, lines...))
}

// AppendJSON appends JSON lines (APPENDJSON), read as logdb ingest --format
// json reads them; job and attempt apply to lines that name none.
func (c *Client) AppendJSON(ctx context.Context, job string, attempt int, lines ...string) ([]int64, error) {
	return c.lineNumbers(ctx, append([]string{"APPENDJSON", job, strconv.Itoa(attempt)}, lines...))
}

func (c *Client) lineNumbers(ctx context.Context, args []string) ([]int64, error) {
	v, err := c.Do(ctx, args...)
	if err != nil {
		return nil, err
	}
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s answered %T", ErrProtocol, args[0], v)
	}
	out := make([]int64, len(a))
	for i, x := range a {
		out[i] = num(x)
	}
	return out, nil
}

// Read reads a range of one run's lines (READ), as engine.DB.ReadLines
// does: r.Filter may be nil or an engine.LevelFilter (the LEVEL option);
// r.Count 0 means 10000. The page's cursor continues it, also later when
// the run has grown. As ReadLines does, it returns the lines the server
// could read together with an error wrapping engine.ErrDamaged when some
// could not.
func (c *Client) Read(ctx context.Context, r engine.ReadRequest) (*engine.Page, error) {
	job, att := r.Job, attemptArg(r.Attempt)
	args := []string{"READ", job, att, "FORMAT", "full"}
	if r.Cursor != "" {
		if job == "" {
			job = "-"
		}
		args = []string{"READ", job, "-", "CURSOR", r.Cursor, "FORMAT", "full"}
	} else if r.From > 0 {
		args = append(args, "FROM", strconv.FormatInt(r.From, 10))
	}
	if r.Count > 0 {
		args = append(args, "COUNT", strconv.Itoa(r.Count))
	}
	switch f := r.Filter.(type) {
	case nil:
	case engine.LevelFilter:
		lvl := f.Level.String()
		switch f.Op {
		case engine.Eq:
			lvl = "=" + lvl
		case engine.Ge:
		default:
			return nil, fmt.Errorf("client: Read filters by level >= or = only, not %s", f)
		}
		args = append(args, "LEVEL", lvl)
	default:
		return nil, fmt.Errorf("client: Read takes a LevelFilter, not %T (use Query)", r.Filter)
	}
	v, err := c.Do(ctx, args...)
	if err != nil {
		return nil, err
	}
	m, err := fields(v)
	if err != nil {
		return nil, err
	}
	st, _ := engine.ParseRunStatus(str(m["state"]))
	p := &engine.Page{
		Job: str(m["job"]), Attempt: int(num(m["attempt"])),
		LineCount: num(m["line_count"]), Bytes: num(m["bytes"]),
		FirstTime: unixTime(m["start_time"]), LastTime: unixTime(m["last_time"]),
		Status: st, EndTime: unixTime(m["end_time"]),
		IsEnd: num(m["is_end"]) == 1, Cursor: str(m["cursor"]),
	}
	lines, _ := m["lines"].([]any)
	p.Entries = make([]engine.Entry, 0, len(lines))
	for _, l := range lines {
		a, ok := l.([]any)
		if !ok || len(a) < 5 {
			return nil, fmt.Errorf("%w: READ line %v", ErrProtocol, l)
		}
		lvl, _ := engine.ParseLevel(str(a[2]))
		p.Entries = append(p.Entries, engine.Entry{
			Job: p.Job, Attempt: p.Attempt, Line: num(a[0]), Time: unixTime(a[1]),
			Level: lvl, Message: str(a[3]), Labels: labels(a[4], a[5:]),
		})
	}
	if d, ok := m["damaged"]; ok {
		return p, damageError(str(d))
	}
	return p, nil
}

// labels reads a flat [name, value, …] array, and the kinds of the labels
// from kinds[0] if the server sent them (see engine.Labels.Kinds).
func labels(v any, kinds []any) engine.Labels {
	a, _ := v.([]any)
	if len(a) < 2 {
		return nil
	}
	ls := make(engine.Labels, 0, len(a)/2)
	for i := 0; i+1 < len(a); i += 2 {
		ls = append(ls, engine.Label{Name: str(a[i]), Value: str(a[i+1])})
	}
	if len(kinds) > 0 {
		ls.SetKinds(str(kinds[0]))
	}
	return ls
}

// labelCount is the nlabels argument of APPENDENTRIES for ls: the count,
// and when a label is a number or boolean a colon and their kinds.
func labelCount(ls engine.Labels) string {
	n := strconv.Itoa(len(ls))
	if k := ls.Kinds(); k != "" {
		return n + ":" + k
	}
	return n
}

// damageError is the server's report of lines it could not read, as the
// "damaged" field of a READ reply: the text of an engine.DamageError.
type damageError string

func (e damageError) Error() string { return string(e) }

func (e damageError) Unwrap() error { return engine.ErrDamaged }

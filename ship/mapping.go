package ship

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// A Protocol names a push protocol; it selects a Mapping's defaults.
type Protocol string

// The protocols decoded here.
const (
	JSONLine Protocol = "jsonline"
	ESBulk   Protocol = "elasticsearch"
	Loki     Protocol = "loki"
	OTLP     Protocol = "otlp"
	Syslog   Protocol = "syslog"
)

// Protocols lists every Protocol, in the order counters are reported.
var Protocols = []Protocol{JSONLine, ESBulk, Loki, OTLP, Syslog}

// DefaultJobFields are the fields that name the job of each protocol when
// Mapping.JobFields is empty. JSON lines and Elasticsearch documents name
// it with their job or job_id key, as logdb ingest reads them.
var DefaultJobFields = map[Protocol][]string{
	Loki:   {"job"},
	OTLP:   {"service.name"},
	Syslog: {"app_name"},
}

// DefaultJob is the job of the records that name none, when
// Mapping.DefaultJob is empty: the protocol's name, so that such lines
// land in run "syslog"/0, "otlp"/0 and so on, never on the floor.
func DefaultJob(p Protocol) string { return string(p) }

// A Mapping says how records become entries: which fields give the run
// (job, attempt), the time and the message, and which become labels. The
// zero value keeps each protocol's own parts and defaults. It is shared by
// every protocol; each HTTP request may override it with query parameters
// (see ParseQuery).
type Mapping struct {
	// JobFields are the fields whose value is the job; the first one a
	// record has wins, and it is not kept as a label. Default
	// DefaultJobFields of the protocol, then the record's own job.
	JobFields []string

	// AttemptField is the field whose value, a number from 0, is the
	// attempt. Default: the record's own (0 unless a JSON line has an
	// attempt key).
	AttemptField string

	// DefaultJob is the job of records without one, at attempt 0.
	// Default DefaultJob(protocol).
	DefaultJob string

	// MessageField is the field whose value is the message, in place of
	// the protocol's own. Default: the protocol's.
	MessageField string

	// TimeField is the field whose value is the time, read with
	// TimeFormat, in place of the protocol's own. Default: the protocol's.
	TimeField string

	// TimeFormat is how TimeField's value is written: "rfc3339",
	// "unix" (seconds), "unix_ms", "unix_us", "unix_ns", or a Go layout
	// ("2006-01-02 15:04:05", in UTC unless it has a zone). Default
	// "auto": RFC 3339, or an epoch number whose unit is told by its
	// magnitude.
	TimeFormat string

	// LabelFields, if set, are the only fields kept as labels; others are
	// dropped. Default: every field.
	LabelFields []string

	// IgnoreFields are fields dropped. Default: none.
	IgnoreFields []string
}

// A Mapper applies a Mapping for one protocol. It is safe for concurrent
// use.
type Mapper struct {
	proto      Protocol
	jobFields  []string
	m          Mapping
	parseTime  func(string) (int64, bool)
	keep, drop map[string]bool
}

// Compile checks m and returns its Mapper for protocol p. The error wraps
// ErrBadMapping.
func (m Mapping) Compile(p Protocol) (*Mapper, error) {
	mp := &Mapper{proto: p, m: m, jobFields: m.JobFields}
	if len(mp.jobFields) == 0 {
		mp.jobFields = DefaultJobFields[p]
	}
	if mp.m.DefaultJob == "" {
		mp.m.DefaultJob = DefaultJob(p)
	}
	if strings.IndexByte(mp.m.DefaultJob, 0) >= 0 {
		return nil, fmt.Errorf("%w: the default job %q contains a NUL byte", ErrBadMapping, mp.m.DefaultJob)
	}
	var err error
	if mp.parseTime, err = timeParser(m.TimeFormat); err != nil {
		return nil, err
	}
	if len(m.LabelFields) > 0 {
		mp.keep = set(m.LabelFields)
	}
	mp.drop = set(m.IgnoreFields)
	return mp, nil
}

func set(names []string) map[string]bool {
	s := make(map[string]bool, len(names))
	for _, n := range names {
		s[n] = true
	}
	return s
}

// Protocol returns the protocol the Mapper was compiled for.
func (mp *Mapper) Protocol() Protocol { return mp.proto }

// Entry turns r into an entry. An error is a *RecordError wrapping
// ErrBadField, named by r.Where. r.Fields is reordered.
func (mp *Mapper) Entry(r *Record) (engine.Entry, error) {
	where := r.Where
	e := engine.Entry{Time: r.Time, Level: r.Level, Message: r.Message, Job: r.Job, Attempt: r.Attempt}
	// The last of a repeated name wins, as in engine.Labels.
	value := func(name string) (string, bool) {
		for i := len(r.Fields) - 1; i >= 0; i-- {
			if r.Fields[i].Name == name {
				return r.Fields[i].Value, true
			}
		}
		return "", false
	}
	used := map[string]bool{}
	for _, f := range mp.jobFields {
		if v, ok := value(f); ok && v != "" && strings.IndexByte(v, 0) < 0 {
			e.Job, used[f] = v, true
			break
		}
	}
	if f := mp.m.AttemptField; f != "" {
		if v, ok := value(f); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
			if err != nil || n < 0 {
				return e, recordErrorf(where, ErrBadField, "attempt field %s is %q, not a number from 0", f, truncate(v))
			}
			e.Attempt, used[f] = int(n), true
		}
	}
	if f := mp.m.MessageField; f != "" {
		if v, ok := value(f); ok {
			e.Message, used[f] = v, true
		}
	}
	if f := mp.m.TimeField; f != "" {
		if v, ok := value(f); ok {
			t, ok := mp.parseTime(v)
			if !ok {
				return e, recordErrorf(where, ErrBadField, "time field %s is %q, which is not a time in format %s", f, truncate(v), timeFormatName(mp.m.TimeFormat))
			}
			e.Time, used[f] = t, true
		}
	}
	if e.Job == "" {
		e.Job, e.Attempt = mp.m.DefaultJob, 0
	}
	labels := r.Fields[:0:0]
	for _, l := range r.Fields {
		if used[l.Name] || mp.drop[l.Name] || mp.keep != nil && !mp.keep[l.Name] {
			continue
		}
		labels = append(labels, l)
	}
	if len(labels) > 0 {
		e.Labels = labels // engine.Append sorts them, the last of a name winning
	}
	return e, nil
}

// timeFormatName is the format's name in errors.
func timeFormatName(f string) string {
	if f == "" {
		return "auto"
	}
	return f
}

// timeParser returns the parser of a Mapping.TimeFormat.
func timeParser(format string) (func(string) (int64, bool), error) {
	epoch := func(unit int64) func(string) (int64, bool) {
		return func(s string) (int64, bool) {
			n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return 0, false
			}
			return int64(n * float64(unit)), true
		}
	}
	switch format {
	case "", "auto":
		return parseAutoTime, nil
	case "rfc3339":
		return func(s string) (int64, bool) {
			t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
			return t.UnixNano(), err == nil
		}, nil
	case "unix":
		return epoch(int64(time.Second)), nil
	case "unix_ms":
		return epoch(int64(time.Millisecond)), nil
	case "unix_us":
		return epoch(int64(time.Microsecond)), nil
	case "unix_ns":
		return func(s string) (int64, bool) {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			return n, err == nil
		}, nil
	}
	if !strings.ContainsAny(format, "0123456789") {
		return nil, fmt.Errorf("%w: unknown time format %q (want auto, rfc3339, unix, unix_ms, unix_us, unix_ns or a Go layout such as 2006-01-02 15:04:05)", ErrBadMapping, format)
	}
	return func(s string) (int64, bool) {
		t, err := time.Parse(format, strings.TrimSpace(s))
		return t.UnixNano(), err == nil
	}, nil
}

// parseAutoTime reads RFC 3339, or an epoch number in seconds,
// milliseconds, microseconds or nanoseconds told apart by its magnitude
// (as logdb ingest reads a JSON time).
func parseAutoTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UnixNano(), true
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	switch {
	case n < 1e11:
		return int64(n * 1e9), true
	case n < 1e14:
		return int64(n * 1e6), true
	case n < 1e17:
		return int64(n * 1e3), true
	}
	return int64(n), true
}

// truncate shortens s for an error message.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

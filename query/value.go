package query

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// This file interprets the values of comparisons (level=…, attempt=…,
// since=…, tz=…). Parse uses it to reject bad values with a position; the
// planner uses it again to build engine filters.

// The reserved field names of the filter. Any other name is a label.
const (
	fieldLevel   = "level"
	fieldJob     = "job"
	fieldAttempt = "attempt"
	fieldLine    = "line"
	fieldSince   = "since"
	fieldUntil   = "until"
	fieldDuring  = "during"
	fieldTZ      = "tz"
)

// The fields of an entry that pipes (sort, count by, fields) can name
// besides labels.
const (
	colTime    = "time"
	colJob     = "job"
	colAttempt = "attempt"
	colLine    = "line"
	colLevel   = "level"
	colMsg     = "msg"
	colCount   = "count"
	// colUnderscoreTime is LogsQL's name for the time, as in
	// "stats by (_time:5m) count()".
	colUnderscoreTime = "_time"
	// colName is the column of field names that "| field_names" makes.
	colName = "name"
)

// parseLevelValue maps a level name or alias onto a Level.
func parseLevelValue(v string) (engine.Level, error) {
	l, ok := engine.ParseLevel(v)
	if !ok {
		return 0, fmt.Errorf("unknown level %q (want one of %s or an alias such as warning, err, E)",
			v, strings.Join(engine.LevelNames(), ", "))
	}
	return l, nil
}

// parseAttemptValue reads an attempt: a number, negative to count back from
// the latest attempt, or "latest".
func parseAttemptValue(v string) (int, error) {
	if strings.EqualFold(v, "latest") {
		return engine.Latest, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n == engine.Latest {
		return 0, fmt.Errorf("bad attempt %q (want a number, a negative number counting back from the latest, or latest)", v)
	}
	return int(n), nil
}

// parseLineValue reads a line number.
func parseLineValue(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad line number %q (want a number from 0 up)", v)
	}
	return n, nil
}

// parseCount reads the argument of limit, offset and context.
func parseCount(pipe, v string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s wants a number from 0 up, not %q", pipe, v)
	}
	return int(n), nil
}

// timeKind says how a timeValue is anchored.
type timeKind uint8

const (
	timeNow      timeKind = iota // now + rel
	timeAbsolute                 // abs, with its own zone
	timeLocal                    // wall clock in the query's zone
)

// A timeValue is a parsed since=/until= value, resolved against the query's
// Now and zone when planning.
type timeValue struct {
	kind timeKind
	rel  time.Duration // timeNow: offset from now
	abs  time.Time     // timeAbsolute; timeLocal: wall clock in UTC
}

// Layouts of wall-clock times in the query's zone. RFC 3339 with a zone is
// tried first.
var localLayouts = []string{
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
}

// parseTimeValue reads "now", a signed relative time such as -1h, -1h30m,
// -2d or +5m (units ms, s, m, h, d = 24h, w = 7d), an RFC 3339 time, or a
// wall-clock time YYYY-MM-DD[ HH:MM[:SS[.frac]]] (also with 'T') in the
// query's zone.
func parseTimeValue(v string) (timeValue, error) {
	if v == "now" {
		return timeValue{kind: timeNow}, nil
	}
	if v != "" && (v[0] == '-' || v[0] == '+') {
		d, err := parseDuration(v[1:])
		if err != nil {
			return timeValue{}, fmt.Errorf("bad relative time %q: %v", v, err)
		}
		if v[0] == '-' {
			d = -d
		}
		return timeValue{kind: timeNow, rel: d}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return timeValue{kind: timeAbsolute, abs: t}, nil
	}
	for _, layout := range localLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return timeValue{kind: timeLocal, abs: t}, nil
		}
	}
	if _, err := parseDuration(v); err == nil {
		return timeValue{}, fmt.Errorf("bad time %q: a relative time needs a sign, as in -%s", v, v)
	}
	return timeValue{}, fmt.Errorf("bad time %q (want now, a relative time such as -1h, RFC 3339, or YYYY-MM-DD[ HH:MM[:SS]])", v)
}

// resolve returns the instant tv stands for.
func (tv timeValue) resolve(now time.Time, loc *time.Location) time.Time {
	switch tv.kind {
	case timeNow:
		return now.Add(tv.rel)
	case timeAbsolute:
		return tv.abs
	}
	t := tv.abs
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// durationUnits are the units of relative times.
var durationUnits = map[string]time.Duration{
	"ms": time.Millisecond,
	"s":  time.Second,
	"m":  time.Minute,
	"h":  time.Hour,
	"d":  24 * time.Hour,
	"w":  7 * 24 * time.Hour,
}

// parseDuration reads an unsigned duration such as 5m, 1h30m, 2d or 1w.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("want a number at %q", s)
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("number %s out of range", s[:i])
		}
		s = s[i:]
		j := 0
		for j < len(s) && ('a' <= s[j] && s[j] <= 'z') {
			j++
		}
		unit, ok := durationUnits[s[:j]]
		if !ok {
			return 0, fmt.Errorf("want a unit (ms, s, m, h, d, w) after %d", n)
		}
		s = s[j:]
		if n > int64((1<<63-1)/unit) || total+time.Duration(n)*unit < total {
			return 0, fmt.Errorf("duration out of range")
		}
		total += time.Duration(n) * unit
	}
	return total, nil
}

// duringKind names a calendar range.
type duringKind uint8

const (
	duringToday duringKind = iota
	duringYesterday
	duringDayBeforeYesterday
	duringThisWeek
	duringLastWeek
	duringLast // the last d up to now
	duringDate // one calendar day
)

var duringNames = map[string]duringKind{
	"today":                duringToday,
	"yesterday":            duringYesterday,
	"day-before-yesterday": duringDayBeforeYesterday,
	"this-week":            duringThisWeek,
	"last-week":            duringLastWeek,
}

// A duringValue is a parsed during= value.
type duringValue struct {
	kind duringKind
	d    time.Duration // duringLast
	date time.Time     // duringDate: the day at 00:00 UTC
}

// parseDuring reads today, yesterday, day-before-yesterday, this-week,
// last-week, last-<duration> (such as last-5m or last-30d, as in the
// console's presets) or a date YYYY-MM-DD.
func parseDuring(v string) (duringValue, error) {
	if k, ok := duringNames[v]; ok {
		return duringValue{kind: k}, nil
	}
	if rest, ok := strings.CutPrefix(v, "last-"); ok {
		d, err := parseDuration(rest)
		if err == nil && d > 0 {
			return duringValue{kind: duringLast, d: d}, nil
		}
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return duringValue{kind: duringDate, date: t}, nil
	}
	return duringValue{}, fmt.Errorf("unknown range %q (want today, yesterday, day-before-yesterday, this-week, last-week, last-5m, last-15m, last-1h, last-6h, last-1d, last-3d, last-7d, last-30d or a date YYYY-MM-DD)", v)
}

// resolve returns the range [since, until) dv stands for; a zero until is
// open. Days and weeks follow the calendar of loc, so a day across a
// daylight-saving change has 23 or 25 hours. Weeks start on Monday.
func (dv duringValue) resolve(now time.Time, loc *time.Location) (since, until time.Time) {
	now = now.In(loc)
	day := func(t time.Time, add int) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day()+add, 0, 0, 0, 0, loc)
	}
	switch dv.kind {
	case duringToday:
		return day(now, 0), day(now, 1)
	case duringYesterday:
		return day(now, -1), day(now, 0)
	case duringDayBeforeYesterday:
		return day(now, -2), day(now, -1)
	case duringThisWeek, duringLastWeek:
		back := (int(now.Weekday()) + 6) % 7 // days since Monday
		if dv.kind == duringLastWeek {
			back += 7
		}
		return day(now, -back), day(now, 7-back)
	case duringLast:
		return now.Add(-dv.d), time.Time{}
	}
	d := dv.date
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc), time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
}

package query

import (
	"math"
	"strconv"
	"time"

	"github.com/logdb/logdb/engine"
)

// This file reads values as numbers, for the numeric comparisons of
// filters (status>=500, took:[100, 500]) and the functions of stats.
// Durations count in milliseconds, as the duration of a run does: "1.5s"
// is 1500, so took>500ms holds for a took of "734" and of "0.8s" alike.

// parseNumber reads a number ("500", "-1.5", "1e3") or a Go duration
// ("250ms", "1.5s", "2m"), which it returns in milliseconds.
func parseNumber(s string) (float64, bool) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	if d, err := time.ParseDuration(s); err == nil {
		return float64(d) / float64(time.Millisecond), true
	}
	return 0, false
}

// numberOf returns a record or entry value as a number: numbers as they
// are, text that parseNumber reads, levels and times not at all.
func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		return parseNumber(x)
	case engine.Level, time.Time, nil:
		return 0, false
	}
	return 0, false
}

package ingest

import (
	"bytes"
	"math"
	"strconv"

	"github.com/logdb/logdb/engine"
)

// Epoch units, told apart by the magnitude of the integer part: below 1e11
// it counts seconds (up to the year 5138), below 1e14 milliseconds, below
// 1e17 microseconds, and nanoseconds above. A time in 1970 written in
// milliseconds is thus misread as seconds; no run log is that old.
const (
	epochMillis = 1e11
	epochMicros = 1e14
	epochNanos  = 1e17
)

// parseEpoch parses a non-negative decimal number of seconds, milliseconds,
// microseconds or nanoseconds since 1970 (see epochMillis) into Unix
// nanoseconds. It takes an optional fraction and, through
// strconv.ParseFloat, an exponent.
func parseEpoch(b []byte) (int64, bool) {
	if len(b) == 0 || !isDigit(b[0]) {
		return 0, false
	}
	i := 0
	var n uint64
	for i < len(b) && isDigit(b[i]) {
		if n > math.MaxInt64/10 {
			return 0, false
		}
		n = n*10 + uint64(b[i]-'0')
		i++
	}
	frac := 0 // the fraction in units of 1e-9
	if i < len(b) && b[i] == '.' {
		var k int
		frac, k = fraction(b[i+1:])
		if k == 0 {
			return 0, false
		}
		i += 1 + k
	}
	if i < len(b) {
		if b[i] != 'e' && b[i] != 'E' {
			return 0, false
		}
		return parseEpochFloat(b)
	}
	unit := epochUnit(float64(n))
	if n > uint64(math.MaxInt64/unit) {
		return 0, false
	}
	ns := int64(n)*unit + int64(frac)*unit/1e9
	if ns < 0 {
		return 0, false
	}
	return ns, true
}

// parseEpochFloat is parseEpoch for numbers with an exponent.
func parseEpochFloat(b []byte) (int64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) {
		return 0, false
	}
	ns := f * float64(epochUnit(f))
	if ns >= math.MaxInt64 {
		return 0, false
	}
	return int64(ns), true
}

// epochUnit returns the nanoseconds in the unit of an epoch number n.
func epochUnit(n float64) int64 {
	switch {
	case n < epochMillis:
		return 1e9
	case n < epochMicros:
		return 1e6
	case n < epochNanos:
		return 1e3
	}
	return 1
}

// parseTimeValue parses the value of a time key: an ISO 8601 / RFC 3339
// string (a zone-less one is in the clock's Location) or an epoch number,
// also as a string.
func parseTimeValue(k *clock, b []byte) (int64, bool) {
	b = bytes.TrimSpace(b)
	var c civil
	if n := parseISO(b, &c); n > 0 && n == len(b) {
		return k.unixNano(&c), true
	}
	return parseEpoch(b)
}

// parseLevelValue parses the value of a level key: a name that
// engine.ParseLevel knows, or a number. Numbers 10, 20, … 60 are pino and
// bunyan levels (trace … fatal); numbers 0 to 7 are syslog severities
// (emerg, alert and crit are Fatal, err Error, warning Warn, notice and
// info Info, debug Debug), as GELF and journald write them. The two ranges
// do not overlap; any other number is not a level.
func parseLevelValue(b []byte) (engine.Level, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return engine.NoLevel, false
	}
	if !isDigit(b[0]) {
		return engine.ParseLevel(string(b))
	}
	if len(b) > 2 {
		return engine.NoLevel, false
	}
	n, ok := atoi(b)
	if !ok {
		return engine.NoLevel, false
	}
	switch n {
	case 0, 1, 2, 60:
		return engine.Fatal, true
	case 3, 50:
		return engine.Error, true
	case 4, 40:
		return engine.Warn, true
	case 5, 6, 30:
		return engine.Info, true
	case 7, 20:
		return engine.Debug, true
	case 10:
		return engine.Trace, true
	}
	return engine.NoLevel, false
}

// maxAttempt bounds the attempt a line may name. A larger number is more
// likely a counter of something else than a rerun.
const maxAttempt = 1 << 20

// parseAttempt parses the value of an attempt key: a non-negative integer,
// as a number or a string.
func parseAttempt(b []byte) (int, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 7 {
		return 0, false
	}
	n, ok := atoi(b)
	if !ok || n > maxAttempt {
		return 0, false
	}
	return n, true
}

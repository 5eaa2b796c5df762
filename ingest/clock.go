package ingest

import "time"

// Bounds of the years a timestamp may have: Unix nanoseconds in an int64
// reach from 1677 to 2262.
const (
	minYear = 1678
	maxYear = 2261
)

// yearSlack is how far past the reader's ingest time a timestamp without a
// year may lie and still be given the current year. It absorbs clock skew
// and a writer in another zone than Options.Location.
const yearSlack = 24 * time.Hour

// civil is a broken-down time as written in a log line.
type civil struct {
	year, month, day int
	hour, min, sec   int
	nsec             int
	zoned            bool // offset is known
	offset           int  // seconds east of UTC
}

// clock turns civil times into Unix nanoseconds. It remembers the offset of
// the last minute it converted in its Location, because time.Date's zone
// lookup costs more than the rest of parsing a timestamp.
type clock struct {
	loc *time.Location
	now time.Time // ingest time, in loc

	cacheKey  int64 // year, month, day, hour and minute packed; 0 when empty
	cacheUnix int64 // Unix seconds at the start of that minute

	yearKey  int64 // month, day, hour and minute of the last yearless time
	yearLast int   // the year chosen for it
}

func newClock(loc *time.Location, now time.Time) *clock {
	return &clock{loc: loc, now: now.In(loc)}
}

// daysIn returns the number of days of a month.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// valid reports whether every field of c is in range. Second 60 (a leap
// second) is accepted and rolls over into the next minute.
func (c *civil) valid() bool {
	return c.year >= minYear && c.year <= maxYear &&
		c.month >= 1 && c.month <= 12 &&
		c.day >= 1 && c.day <= daysIn(c.year, c.month) &&
		c.hour <= 23 && c.min <= 59 && c.sec <= 60 &&
		c.offset > -24*3600 && c.offset < 24*3600
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400 // y >= minYear > 0
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// unixNano returns c in Unix nanoseconds. c must be valid.
func (k *clock) unixNano(c *civil) int64 {
	var sec int64
	if c.zoned || k.loc == time.UTC {
		sec = daysFromCivil(c.year, c.month, c.day)*86400 +
			int64(c.hour*3600+c.min*60) - int64(c.offset)
	} else {
		key := int64(c.year)<<32 | int64(c.month)<<24 | int64(c.day)<<16 | int64(c.hour)<<8 | int64(c.min)
		if key != k.cacheKey {
			k.cacheKey = key
			k.cacheUnix = time.Date(c.year, time.Month(c.month), c.day, c.hour, c.min, 0, 0, k.loc).Unix()
		}
		sec = k.cacheUnix
	}
	return (sec+int64(c.sec))*1e9 + int64(c.nsec)
}

// yearless fills in c.year for a timestamp written without one (syslog,
// klog): the latest year that does not put it more than yearSlack after the
// ingest time. It reports false for a date that exists in no year near now,
// such as 31 April.
func (k *clock) yearless(c *civil) bool {
	key := int64(c.month)<<24 | int64(c.day)<<16 | int64(c.hour)<<8 | int64(c.min)
	if key == k.yearKey {
		c.year = k.yearLast
		return true
	}
	limit := k.now.Add(yearSlack).UnixNano()
	for y := k.now.Year() + 1; y >= k.now.Year()-8; y-- {
		c.year = y
		if !c.valid() {
			continue // 29 February in a common year
		}
		if k.unixNano(c) <= limit {
			k.yearKey, k.yearLast = key, y
			return true
		}
	}
	return false
}

package ingest

import (
	"testing"
	"time"
)

// civilOf is the civil time a detector should produce, for comparisons.
func civilOf(y, mo, d, h, mi, s, ns int) civil {
	return civil{year: y, month: mo, day: d, hour: h, min: mi, sec: s, nsec: ns}
}

func zoned(c civil, offset int) civil {
	c.zoned, c.offset = true, offset
	return c
}

// Ensure that parseISO accepts the common ISO 8601 / RFC 3339 forms and
// rejects look-alikes.
func TestParseISO(t *testing.T) {
	tests := []struct {
		in   string
		n    int // bytes taken; 0 = no timestamp
		want civil
	}{
		{"2022-04-27T19:35:18.0513221Z Requested labels", 28, zoned(civilOf(2022, 4, 27, 19, 35, 18, 51322100), 0)},
		{"2016-12-19 16:31:47,437 INFO", 23, civilOf(2016, 12, 19, 16, 31, 47, 437000000)},
		{"2016-12-19 16:31:47", 19, civilOf(2016, 12, 19, 16, 31, 47, 0)},
		{"2009/11/10 23:00:00 hello", 19, civilOf(2009, 11, 10, 23, 0, 0, 0)},
		{"2024-01-02T03:04:05+01:00 x", 25, zoned(civilOf(2024, 1, 2, 3, 4, 5, 0), 3600)},
		{"2024-01-02T03:04:05-0130 x", 24, zoned(civilOf(2024, 1, 2, 3, 4, 5, 0), -5400)},
		{"2024-01-02T03:04:05+02 x", 22, zoned(civilOf(2024, 1, 2, 3, 4, 5, 0), 7200)},
		{"2024-01-02 03:04:05 +0000 x", 25, zoned(civilOf(2024, 1, 2, 3, 4, 5, 0), 0)},
		{"2024-01-02 03:04:05 UTC x", 23, zoned(civilOf(2024, 1, 2, 3, 4, 5, 0), 0)},
		{"2024-01-02t03:04:05.1z", 22, zoned(civilOf(2024, 1, 2, 3, 4, 5, 100000000), 0)},
		{"2024-01-02T03:04:05.123456789123Z", 33, zoned(civilOf(2024, 1, 2, 3, 4, 5, 123456789), 0)},
		{"2016-12-19 16:31:47,437 - root - INFO - x", 23, civilOf(2016, 12, 19, 16, 31, 47, 437000000)},
		{"2016-12-19 16:31:47]", 19, civilOf(2016, 12, 19, 16, 31, 47, 0)},
		{"2024-02-29 00:00:00", 19, civilOf(2024, 2, 29, 0, 0, 0, 0)},

		{"2023-02-29 00:00:00", 0, civil{}},                                  // no such day
		{"2024-13-01 00:00:00", 0, civil{}},                                  // no such month
		{"2024-01-01 24:00:00", 0, civil{}},                                  // no such hour
		{"2024-01-02T03:04:05abc", 0, civil{}},                               // runs into a word
		{"2024-01-02T03:04:056", 0, civil{}},                                 // runs into a digit
		{"2024-01-02T03:04", 0, civil{}},                                     // no seconds
		{"2024-01-02", 0, civil{}},                                           // no time
		{"2024-01/02 03:04:05", 0, civil{}},                                  // mixed separators
		{"0001-01-01T00:00:00Z", 0, civil{}},                                 // outside int64 nanoseconds
		{"1.2.3 hello there, world!", 0, civil{}},                            // not a date
		{"00000180  2d 65 35 37 32 31", 0, civil{}},                          // klog hex dump
		{"2024-01-02T03:04:05+25:00 x", 19, civilOf(2024, 1, 2, 3, 4, 5, 0)}, // bad zone is not taken
	}
	for _, tt := range tests {
		var c civil
		n := parseISO([]byte(tt.in), &c)
		if n != tt.n {
			t.Errorf("parseISO(%q) took %d bytes, want %d", tt.in, n, tt.n)
			continue
		}
		if n > 0 && c != tt.want {
			t.Errorf("parseISO(%q) = %+v, want %+v", tt.in, c, tt.want)
		}
	}
}

// Ensure that parseBracketISO takes log4j's and Kafka's "[time] " form.
func TestParseBracketISO(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want civil
	}{
		{"[2016-12-19 16:31:46,143] INFO KafkaConfig values: ", 25, civilOf(2016, 12, 19, 16, 31, 46, 143000000)},
		{"[2024-01-02T03:04:05Z]", 22, zoned(civilOf(2024, 1, 2, 3, 4, 5, 0), 0)},
		{"[2016-12-19 16:31:46,143 INFO", 0, civil{}},
		{"[INFO] Building jar", 0, civil{}},
		{"[2016-12-19] x", 0, civil{}},
	}
	for _, tt := range tests {
		var c civil
		n := parseBracketISO([]byte(tt.in), &c)
		if n != tt.n || (n > 0 && c != tt.want) {
			t.Errorf("parseBracketISO(%q) = %d, %+v; want %d, %+v", tt.in, n, c, tt.n, tt.want)
		}
	}
}

// Ensure that unixNano converts zoned times exactly, zone-less times in the
// clock's Location, and agrees with time.Date.
func TestClockUnixNano(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	tests := []struct {
		c    civil
		loc  *time.Location
		want time.Time
	}{
		{zoned(civilOf(2022, 4, 27, 19, 35, 18, 51322100), 0), berlin, time.Date(2022, 4, 27, 19, 35, 18, 51322100, time.UTC)},
		{zoned(civilOf(2024, 1, 2, 3, 4, 5, 0), -5400), time.UTC, time.Date(2024, 1, 2, 4, 34, 5, 0, time.UTC)},
		{civilOf(2016, 12, 19, 16, 31, 46, 143000000), berlin, time.Date(2016, 12, 19, 16, 31, 46, 143000000, berlin)},
		{civilOf(2016, 7, 19, 16, 31, 46, 0), berlin, time.Date(2016, 7, 19, 16, 31, 46, 0, berlin)},
		{civilOf(1700, 3, 1, 0, 0, 0, 0), time.UTC, time.Date(1700, 3, 1, 0, 0, 0, 0, time.UTC)},
		{civilOf(2261, 12, 31, 23, 59, 59, 999999999), time.UTC, time.Date(2261, 12, 31, 23, 59, 59, 999999999, time.UTC)},
	}
	for _, tt := range tests {
		k := newClock(tt.loc, time.Now())
		c := tt.c
		if got := k.unixNano(&c); got != tt.want.UnixNano() {
			t.Errorf("unixNano(%+v) in %v = %v, want %v", tt.c, tt.loc, time.Unix(0, got).UTC(), tt.want.UTC())
		}
	}
}

// Ensure that a time without a year gets the latest year that does not put
// it (more than a day) after the ingest time.
func TestClockYearless(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		month, day, hour int
		want             int
	}{
		{2, 28, 0, 2024},
		{3, 1, 11, 2024},
		{3, 2, 11, 2024},  // within a day of now: clock skew
		{3, 3, 0, 2023},   // later than that: last year
		{12, 31, 0, 2023}, // read on New Year's Day
		{2, 29, 0, 2024},
	}
	for _, tt := range tests {
		k := newClock(time.UTC, now)
		c := civil{month: tt.month, day: tt.day, hour: tt.hour}
		if !k.yearless(&c) || c.year != tt.want {
			t.Errorf("yearless(%d-%d %d:00) = %d, want %d", tt.month, tt.day, tt.hour, c.year, tt.want)
		}
	}
	// 29 February in 2025 is not a date; the latest one before is 2024.
	k := newClock(time.UTC, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	c := civil{month: 2, day: 29}
	if !k.yearless(&c) || c.year != 2024 {
		t.Errorf("yearless(Feb 29) read in 2025 = %d, want 2024", c.year)
	}
	c = civil{month: 4, day: 31}
	if k.yearless(&c) {
		t.Errorf("yearless(Apr 31) = %d, want no year", c.year)
	}
}

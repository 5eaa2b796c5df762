package query

import (
	"go/build"
	"regexp"
	"slices"
	"testing"
	"time"
)

// Ensure that ParseZone reads the names, offsets and IANA zones that tz=
// takes, and rejects the rest with an error saying which kind was wrong.
func TestParseZone(t *testing.T) {
	summer := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
	winter := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		name   string // loc.String()
		summer int    // offset in seconds at summer
		winter int    // offset in seconds at winter
	}{
		{"UTC", "UTC", 0, 0},
		{"utc", "UTC", 0, 0},
		{"Z", "UTC", 0, 0},
		{"+08:00", "+08:00", 8 * 3600, 8 * 3600},
		{"+0800", "+08:00", 8 * 3600, 8 * 3600},
		{"+8", "+08:00", 8 * 3600, 8 * 3600},
		{"-0530", "-05:30", -(5*3600 + 30*60), -(5*3600 + 30*60)},
		{"-05:30", "-05:30", -(5*3600 + 30*60), -(5*3600 + 30*60)},
		{"-5", "-05:00", -5 * 3600, -5 * 3600},
		{"+14:00", "+14:00", 14 * 3600, 14 * 3600},
		{"Asia/Shanghai", "Asia/Shanghai", 8 * 3600, 8 * 3600},
		{"America/New_York", "America/New_York", -4 * 3600, -5 * 3600},
	}
	for _, tt := range tests {
		loc, err := ParseZone(tt.in)
		if err != nil {
			t.Errorf("ParseZone(%q): %v", tt.in, err)
			continue
		}
		if loc.String() != tt.name {
			t.Errorf("ParseZone(%q) = %s, want %s", tt.in, loc, tt.name)
		}
		if _, off := summer.In(loc).Zone(); off != tt.summer {
			t.Errorf("ParseZone(%q): offset %d in July, want %d", tt.in, off, tt.summer)
		}
		if _, off := winter.In(loc).Zone(); off != tt.winter {
			t.Errorf("ParseZone(%q): offset %d in January, want %d", tt.in, off, tt.winter)
		}
	}
	for _, in := range []string{"UTC", "utc", "Z", "z"} {
		if loc, _ := ParseZone(in); loc != time.UTC {
			t.Errorf("ParseZone(%q) = %v, want time.UTC", in, loc)
		}
	}
	for _, in := range []string{"Local", "local"} {
		if loc, _ := ParseZone(in); loc != time.Local {
			t.Errorf("ParseZone(%q) = %v, want time.Local", in, loc)
		}
	}

	bad := []struct{ in, msg string }{
		{"", `^unknown time zone ""$`},
		{"Mars/Olympus", `^unknown time zone "Mars/Olympus" \(want UTC, Local, an offset`},
		{"UTC+8", `^unknown time zone "UTC\+8"`},
		{"08:00", `^unknown time zone "08:00"`},
		{"../../etc/passwd", `^unknown time zone`},
		{"Asia/../Asia/Shanghai", `^unknown time zone`},
		{"/etc/localtime", `^unknown time zone`},
		{"+25:00", `^bad time zone offset "\+25:00" \(want ±HH:MM, ±HHMM or ±HH, at most ±14:00\)$`},
		{"+15", `^bad time zone offset`},
		{"+08:60", `^bad time zone offset`},
		{"+0800x", `^bad time zone offset`},
		{"+8:00", `^bad time zone offset`},
		{"+", `^bad time zone offset`},
		{"-", `^bad time zone offset`},
		{"+ab:cd", `^bad time zone offset`},
	}
	for _, tt := range bad {
		loc, err := ParseZone(tt.in)
		if err == nil {
			t.Errorf("ParseZone(%q) = %v, want an error", tt.in, loc)
			continue
		}
		if !regexp.MustCompile(tt.msg).MatchString(err.Error()) {
			t.Errorf("ParseZone(%q) error %q, want match for %q", tt.in, err, tt.msg)
		}
	}
}

// Ensure that the package compiles in the zone database, so that tz= and
// ParseZone know Asia/Shanghai on a machine without /usr/share/zoneinfo.
// Tests on a machine with one cannot see the difference, hence this check.
func TestParseZone_EmbedsZoneData(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pkg.Imports, "time/tzdata") {
		t.Errorf("package query does not import time/tzdata outside its tests; imports %v", pkg.Imports)
	}
}

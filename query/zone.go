package query

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// The zone database is compiled in (about 450 KB) so that tz= and
	// ParseZone accept names such as Asia/Shanghai on every machine: a
	// container or Windows host without /usr/share/zoneinfo would otherwise
	// reject them, and a program using this package must not depend on the
	// host's zone database. The host's copy is still preferred when present.
	_ "time/tzdata"
)

// ParseZone reads a time zone as the filter language's tz= does:
//
//   - UTC (also utc, Z or z);
//   - Local (also local): the zone of the machine, time.Local;
//   - a fixed offset east of UTC, ±HH:MM, ±HHMM, ±HH or ±H, up to 14
//     hours, such as +08:00, -0530 or -5; the zone is named ±HH:MM;
//   - an IANA name such as Asia/Shanghai or America/New_York, with its
//     daylight-saving rules.
//
// Programs that take a zone elsewhere, such as a --tz flag, should use it so
// that both accept the same names. The error says what is wrong with s and
// what is accepted; it does not repeat a flag or field name.
func ParseZone(s string) (*time.Location, error) {
	switch s {
	case "UTC", "utc", "Z", "z":
		return time.UTC, nil
	case "Local", "local":
		return time.Local, nil
	}
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if loc, ok := parseOffsetZone(s); ok {
			return loc, nil
		}
		return nil, fmt.Errorf("bad time zone offset %q (want ±HH:MM, ±HHMM or ±HH, at most ±14:00)", s)
	}
	// LoadLocation takes "" for UTC; it refuses names that could reach
	// outside the zone database itself, but say so here with a plain error.
	if s == "" || strings.Contains(s, "..") || s[0] == '/' || s[0] == '\\' {
		return nil, fmt.Errorf("unknown time zone %q", s)
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q (want UTC, Local, an offset such as +08:00 or a name such as Asia/Shanghai)", s)
	}
	return loc, nil
}

// parseOffsetZone reads ±HH:MM, ±HHMM, ±HH or ±H.
func parseOffsetZone(v string) (*time.Location, bool) {
	sign := 1
	if v[0] == '-' {
		sign = -1
	}
	s := v[1:]
	var hh, mm string
	switch {
	case len(s) == 5 && s[2] == ':':
		hh, mm = s[:2], s[3:]
	case len(s) == 4:
		hh, mm = s[:2], s[2:]
	case len(s) == 1 || len(s) == 2:
		hh, mm = s, "0"
	default:
		return nil, false
	}
	h, err1 := strconv.ParseUint(hh, 10, 8)
	m, err2 := strconv.ParseUint(mm, 10, 8)
	if err1 != nil || err2 != nil || h > 14 || m > 59 {
		return nil, false
	}
	off := sign * int(h*3600+m*60)
	name := fmt.Sprintf("%c%02d:%02d", "+-"[(1-sign)/2], h, m)
	return time.FixedZone(name, off), true
}

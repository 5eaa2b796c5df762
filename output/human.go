package output

import (
	"strconv"
	"strings"
	"time"
)

// The columns of run rows (Options.Runs) that table shows in human units:
// durations in milliseconds and sizes in bytes, as the query gives them.
// json and csv keep the exact numbers.
var (
	millisColumns = map[string]bool{"duration": true, "billed": true}
	bytesColumns  = map[string]bool{"memory": true, "bytes": true}
)

// RunValue returns a run row's value in column col as tables show it, and
// whether it has a human form there: "342ms", "1.5s", "2m3s" for duration
// and billed (milliseconds), "512 KiB", "1.2 GiB" for memory and bytes,
// and for a stats result over them (avg_duration, sum_memory).
// The shell's tables use it too, so that every table reads alike.
func RunValue(col string, v any) (string, bool) {
	var n float64
	switch x := v.(type) {
	case int64:
		n = float64(x)
	case float64:
		n = x
	default:
		return "", false
	}
	// A stats result over one of them, such as p90_duration or
	// sum_memory, is in its unit too; a count of them is not.
	if i := strings.LastIndexByte(col, '_'); i >= 0 && !strings.HasPrefix(col, "count") {
		col = col[i+1:]
	}
	switch {
	case millisColumns[col]:
		return formatMillis(n), true
	case bytesColumns[col]:
		return formatBytes(int64(n)), true
	}
	return "", false
}

// formatMillis writes a duration given in milliseconds as people read
// it: 850µs, 342ms, 1.5s (a tenth below 10s), 12s, 2m3s, 1h2m3s.
func formatMillis(ms float64) string {
	d := time.Duration(ms * float64(time.Millisecond))
	neg := d < 0
	if neg {
		d = -d
	}
	switch {
	case d < time.Millisecond:
		d = d.Round(time.Microsecond)
	case d < time.Second:
		d = d.Round(time.Millisecond)
	case d < 10*time.Second:
		d = d.Round(100 * time.Millisecond)
	default:
		d = d.Round(time.Second)
	}
	s := d.String()
	if neg {
		s = "-" + s
	}
	return s
}

// formatBytes writes a size in binary units, with a decimal below 10 of
// the unit: 512 B, 512 KiB, 1.2 GiB, 20 MiB.
func formatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	if n < 1024 && n > -1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, i := float64(n), 0
	for (v >= 1024 || v <= -1024) && i < len(units)-1 {
		v /= 1024
		i++
	}
	prec := 0
	if v < 10 && v > -10 {
		prec = 1
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + units[i]
}

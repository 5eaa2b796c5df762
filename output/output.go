package output

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// A Writer writes query result rows in one format. Write may buffer; Flush
// writes out what is buffered (for table, the aligned block so far). A
// Writer is not safe for concurrent use.
type Writer interface {
	// Write writes one row. It does not keep row or what it points to.
	Write(row *query.Row) error
	// Flush writes any buffered rows to the underlying io.Writer.
	Flush() error
}

// Options configure a Writer.
type Options struct {
	// Format is one of Formats(): raw, json, table, csv, short or chart
	// (a bar chart of a time column's numbers, else a table). Default raw.
	Format string

	// Location is the zone table shows entry times in. Default UTC. (json
	// always writes UTC; raw and csv write record times in the zone the
	// query gave them and entry times in UTC.) Pass Rows.Location() to show
	// times in the query's tz=.
	Location *time.Location

	// Runs says the rows are run records (query.RunRuns): table shows
	// duration and billed (milliseconds) as 342ms, 1.5s or 2m3s and memory
	// and bytes as 512 KiB or 1.2 GiB, and raw writes each label column as
	// name=value. json and csv are not changed: exact numbers, and a
	// header names every column.
	Runs bool

	// Context says the rows come from "| context N": raw then writes
	// each line as grep -Hn -C does, after "job/attempt:line:" for a hit
	// and "job/attempt-line-" for a line of context, so that the hits
	// stand out of their groups (which "--" separates in every format).
	Context bool
}

var formats = map[string]func(io.Writer, *Options) Writer{
	"raw":   newRaw,
	"json":  newJSON,
	"table": newTable,
	"csv":   newCSV,
	"short": newShort,
	"chart": newChart,
}

// Formats returns the names of the formats, sorted.
func Formats() []string {
	out := make([]string, 0, len(formats))
	for f := range formats {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// NewWriter returns a Writer of format (raw, json, table or csv) on w. It
// returns an error wrapping ErrUnknownFormat for any other format.
func NewWriter(w io.Writer, format string) (Writer, error) {
	return New(w, Options{Format: format})
}

// New returns a Writer on w configured by opts.
func New(w io.Writer, opts Options) (Writer, error) {
	if opts.Format == "" {
		opts.Format = "raw"
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	mk, ok := formats[opts.Format]
	if !ok {
		return nil, fmt.Errorf("%w %q (want one of %s)", ErrUnknownFormat, opts.Format, strings.Join(Formats(), ", "))
	}
	return mk(w, &opts), nil
}

// jsonTimeLayout is RFC 3339 with all nine digits of nanoseconds, so that
// times sort as text.
const jsonTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// formatValue renders a record value as text: strings as they are, numbers
// in decimal, levels by name, times in RFC 3339 with nanoseconds in their
// own zone.
func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case engine.Level:
		return x.String()
	case time.Time:
		return x.Format(jsonTimeLayout)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logdb/logdb/query"
)

// chartWidth is the length of the longest bar, in characters.
const chartWidth = 50

// chartWriter draws a text bar chart of records whose first column is a
// time and whose last is a number, such as the rows of "| stats by
// (_time:5m) count()" or "| histogram 1h": one line per row, the time (and
// the columns between, such as a level), a bar as long as the number
// relative to the largest, and the number. Rows that cannot be charted
// turn it into a table (tableWriter) of all the rows. It buffers until
// Flush.
type chartWriter struct {
	w     *bufio.Writer
	loc   *time.Location
	table Writer
	bars  []chartBar
	kept  []query.Row // the rows of bars, to replay into the table
	plain bool        // a row that cannot be charted was written
}

// chartBar is one row of a chart.
type chartBar struct {
	t     time.Time
	label string // the columns between the time and the number
	text  string // the number as formatValue writes it
	n     float64
}

func newChart(w io.Writer, o *Options) Writer {
	return &chartWriter{w: bufio.NewWriter(w), loc: o.Location, table: newTable(w, o)}
}

func (c *chartWriter) Write(row *query.Row) error {
	if !c.plain {
		if b, ok := chartRow(row); ok {
			c.bars = append(c.bars, b)
			vals := make([]any, len(row.Values))
			for i, v := range row.Values {
				if s, ok := v.(string); ok {
					v = strings.Clone(s)
				}
				vals[i] = v
			}
			c.kept = append(c.kept, query.Row{Kind: row.Kind, Columns: row.Columns, Values: vals})
			return nil
		}
		c.plain = true
		for i := range c.kept {
			if err := c.table.Write(&c.kept[i]); err != nil {
				return err
			}
		}
		c.bars, c.kept = nil, nil
	}
	return c.table.Write(row)
}

// chartRow returns the bar of row, if it can be charted.
func chartRow(row *query.Row) (chartBar, bool) {
	vals := row.Values
	if row.Kind != query.RecordRow || len(vals) < 2 {
		return chartBar{}, false
	}
	t, ok := vals[0].(time.Time)
	var n float64
	switch x := vals[len(vals)-1].(type) {
	case int64:
		n = float64(x)
	case float64:
		n = x
	case nil:
	default:
		ok = false
	}
	if !ok || n < 0 {
		return chartBar{}, false
	}
	var label []string
	for _, v := range vals[1 : len(vals)-1] {
		label = append(label, Escape(formatValue(v)))
	}
	return chartBar{t: t, label: strings.Join(label, " "), text: formatValue(vals[len(vals)-1]), n: n}, true
}

func (c *chartWriter) Flush() error {
	if c.plain {
		return c.table.Flush()
	}
	layout := "2006-01-02 15:04"
	var top float64
	labelWidth := 0
	for _, b := range c.bars {
		if b.t.Second() != 0 || b.t.Nanosecond() != 0 {
			layout = tableLayout
		}
		top = max(top, b.n)
		labelWidth = max(labelWidth, utf8.RuneCountInString(b.label))
	}
	for _, b := range c.bars {
		bar := ""
		if top > 0 {
			w := int(b.n / top * chartWidth)
			bar = strings.Repeat("█", w)
			if w == 0 && b.n > 0 {
				bar = "▏" // not nothing, which would read as 0
			}
		}
		label := ""
		if labelWidth > 0 {
			label = " " + b.label + strings.Repeat(" ", labelWidth-utf8.RuneCountInString(b.label))
		}
		if _, err := fmt.Fprintf(c.w, "%s%s %s %s\n", b.t.In(c.loc).Format(layout), label, bar, b.text); err != nil {
			return err
		}
	}
	c.bars, c.kept = c.bars[:0], c.kept[:0]
	return c.w.Flush()
}

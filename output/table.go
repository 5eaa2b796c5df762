package output

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logdb/logdb/query"
)

// tableLayout is how table shows times: to the millisecond, in
// Options.Location.
const tableLayout = "2006-01-02 15:04:05.000"

// tableWriter writes aligned columns for terminals. It buffers rows until
// Flush, then writes them as one block under a header: TIME, LEVEL, JOB,
// ATTEMPT, LINE, LABELS (left out when no row has labels) and MSG for
// entries, the column names upper-cased for records. Numbers are
// right-aligned. Control characters in values and names are escaped
// (\n, \t, \x1b; see Escape) so that each row stays on one line. With "| context" a first column marks hits
// with '>' and separators are "--".
//
// Alignment counts runes, so columns with wide (East Asian) characters may
// not line up. For long streams call Flush now and then: each block is
// aligned on its own.
type tableWriter struct {
	w    *bufio.Writer
	loc  *time.Location
	runs bool // rows are run records: durations and sizes in human units
	rows [][]string
	// kind of the buffered rows
	records bool
	cols    []string
	rightN  []bool // right-align column
	context bool   // rows came from | context
	labels  bool   // some entry has labels
	seps    []bool // rows[i] is a separator
}

func newTable(w io.Writer, o *Options) Writer {
	return &tableWriter{w: bufio.NewWriter(w), loc: o.Location, runs: o.Runs}
}

func (t *tableWriter) Write(row *query.Row) error {
	switch row.Kind {
	case query.SeparatorRow:
		t.context = true
		t.rows = append(t.rows, nil)
		t.seps = append(t.seps, true)
		return nil
	case query.EntryRow:
		e := row.Entry
		if row.Context {
			t.context = true
		}
		if len(e.Labels) > 0 {
			t.labels = true
		}
		mark := ">"
		if row.Context {
			mark = " "
		}
		t.rows = append(t.rows, []string{
			mark,
			time.Unix(0, e.Time).In(t.loc).Format(tableLayout),
			e.Level.String(),
			Escape(e.Job),
			strconv.Itoa(e.Attempt),
			strconv.FormatInt(e.Line, 10),
			Escape(e.Labels.String()),
			Escape(e.Message),
		})
	case query.RecordRow:
		t.records = true
		t.cols = row.Columns
		if t.rightN == nil {
			t.rightN = make([]bool, len(row.Values))
			for i, v := range row.Values {
				t.rightN[i] = isNumber(v)
			}
		}
		r := make([]string, len(row.Values))
		for i, v := range row.Values {
			r[i] = t.recordCell(row.Columns, i, v)
		}
		t.rows = append(t.rows, r)
	}
	t.seps = append(t.seps, false)
	return nil
}

// recordCell returns how the table shows value v of column i of cols.
func (t *tableWriter) recordCell(cols []string, i int, v any) string {
	if tm, ok := v.(time.Time); ok {
		return tm.Format(tableLayout)
	}
	if t.runs && i < len(cols) {
		if h, ok := RunValue(cols[i], v); ok {
			return h
		}
	}
	if f, ok := v.(float64); ok {
		// Ten significant digits: an average or quantile reads 284.1,
		// not 284.0999999999999 (json and csv keep every digit).
		return strconv.FormatFloat(f, 'g', 10, 64)
	}
	return Escape(formatValue(v))
}

func (t *tableWriter) Flush() error {
	if len(t.rows) > 0 {
		t.render()
	}
	t.rows, t.seps = t.rows[:0], t.seps[:0]
	t.records, t.cols, t.rightN, t.context, t.labels = false, nil, nil, false, false
	return t.w.Flush()
}

func (t *tableWriter) render() {
	var header []string
	var keep []int // columns of the buffered rows to show
	var right []bool
	if t.records {
		for _, c := range t.cols {
			header = append(header, Escape(strings.ToUpper(c)))
		}
		for i := range t.cols {
			keep = append(keep, i)
		}
		right = t.rightN
	} else {
		all := []string{"", "TIME", "LEVEL", "JOB", "ATTEMPT", "LINE", "LABELS", "MSG"}
		r := []bool{false, false, false, false, true, true, false, false}
		for i, h := range all {
			if i == 0 && !t.context || i == 6 && !t.labels {
				continue
			}
			header = append(header, h)
			keep = append(keep, i)
			right = append(right, r[i])
		}
	}
	width := make([]int, len(keep))
	for i, h := range header {
		width[i] = utf8.RuneCountInString(h)
	}
	for k, r := range t.rows {
		if t.seps[k] {
			continue
		}
		for i, c := range keep {
			width[i] = max(width[i], utf8.RuneCountInString(r[c]))
		}
	}
	line := func(cells []string) {
		for i, s := range cells {
			pad := width[i] - utf8.RuneCountInString(s)
			last := i == len(cells)-1
			if i > 0 {
				t.w.WriteString("  ")
			}
			if right[i] {
				t.w.WriteString(strings.Repeat(" ", pad))
			}
			t.w.WriteString(s)
			if !right[i] && !last {
				t.w.WriteString(strings.Repeat(" ", pad))
			}
		}
		t.w.WriteByte('\n')
	}
	line(header)
	cells := make([]string, len(keep))
	for k, r := range t.rows {
		if t.seps[k] {
			t.w.WriteString("--\n")
			continue
		}
		for i, c := range keep {
			cells[i] = r[c]
		}
		line(cells)
	}
}

// isNumber reports whether v is a number, which tables align right.
func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64:
		return true
	}
	return false
}

package repl

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
)

// The columns a table of lines can show (\columns). Any other name is a
// label's.
const (
	colTime    = "time"
	colLevel   = "level"
	colRun     = "run" // job/attempt:line
	colJob     = "job"
	colAttempt = "attempt"
	colLine    = "line"
	colLabels  = "labels" // all labels as name=value
	colMsg     = "msg"
)

// lineColumns lists the built-in columns, for \columns and completion.
var lineColumns = []string{colTime, colLevel, colRun, colJob, colAttempt, colLine, colLabels, colMsg}

// defaultColumns are the columns of a new shell, those of the run-log
// console: time, level, job/attempt:line and message.
var defaultColumns = []string{colTime, colLevel, colRun, colMsg}

// parseColumns reads a \columns list: names separated by commas or blanks.
func parseColumns(s string) ([]string, error) {
	var cols []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !isIdent(f) {
			return nil, fmt.Errorf("bad column name %q (want %s or a label name)", f, strings.Join(lineColumns, ", "))
		}
		cols = append(cols, f)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no columns given")
	}
	return cols, nil
}

// isIdent reports whether s is a name: letters, digits, '_', '.', '-',
// not starting with a digit or '-'.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f:
		case i > 0 && (r >= '0' && r <= '9' || r == '.' || r == '-'):
		default:
			return false
		}
	}
	return true
}

func columnHeaders(cols []string) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = strings.ToUpper(c)
	}
	return h
}

func columnRight(cols []string) []bool {
	r := make([]bool, len(cols))
	for i, c := range cols {
		r[i] = c == colAttempt || c == colLine
	}
	return r
}

// runName is how the shell shows a run: job/attempt, the job's control
// characters escaped (see output.Escape).
func runName(job string, attempt int) string {
	return output.Escape(job) + "/" + strconv.Itoa(attempt)
}

// entryCells returns the cells of the shell's columns for e, times in loc.
func (s *Shell) entryCells(e *engine.Entry, loc *time.Location) []cell {
	cells := make([]cell, len(s.columns))
	for i, c := range s.columns {
		switch c {
		case colTime:
			cells[i] = cell{text: time.Unix(0, e.Time).In(loc).Format(tableLayout)}
		case colLevel:
			cells[i] = cell{text: e.Level.String(), color: levelColor(e.Level)}
		case colRun:
			cells[i] = cell{text: runName(e.Job, e.Attempt) + ":" + strconv.FormatInt(e.Line, 10)}
		case colJob:
			cells[i] = cell{text: output.Escape(e.Job)}
		case colAttempt:
			cells[i] = cell{text: strconv.Itoa(e.Attempt)}
		case colLine:
			cells[i] = cell{text: strconv.FormatInt(e.Line, 10)}
		case colLabels:
			cells[i] = cell{text: output.Escape(e.Labels.String())}
		case colMsg:
			cells[i] = cell{text: output.Escape(e.Message)}
		default:
			v, _ := e.Labels.Get(c)
			cells[i] = cell{text: output.Escape(v)}
		}
	}
	return cells
}

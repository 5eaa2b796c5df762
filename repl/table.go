package repl

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/logdb/logdb/engine"
)

// ANSI colours (SGR). The shell uses them only on a terminal and not with
// NO_COLOR; see Shell.Color.
const (
	sgrReset  = "\x1b[0m"
	sgrRed    = "\x1b[31m"
	sgrBRed   = "\x1b[1;31m"
	sgrYellow = "\x1b[33m"
	sgrGreen  = "\x1b[32m"
	sgrCyan   = "\x1b[36m"
	sgrDim    = "\x1b[2m"
	sgrBold   = "\x1b[1m"
)

// levelColor is how a level is shown: Error red, Fatal bold red, Warn
// yellow, Debug and Trace dim, Info plain.
func levelColor(l engine.Level) string {
	switch l {
	case engine.Fatal:
		return sgrBRed
	case engine.Error:
		return sgrRed
	case engine.Warn:
		return sgrYellow
	case engine.Debug, engine.Trace:
		return sgrDim
	}
	return ""
}

// statusColor is how a run state is shown: failed red, success green,
// canceled yellow, running cyan, waiting dim.
func statusColor(s engine.RunStatus) string {
	switch s {
	case engine.Failed:
		return sgrRed
	case engine.Success:
		return sgrGreen
	case engine.Canceled:
		return sgrYellow
	case engine.Running:
		return sgrCyan
	}
	return sgrDim
}

// A cell is one value of a grid, with the colour to show it in.
type cell struct {
	text  string
	color string
}

// A grid is a table of cells under a header, aligned by display width (so
// East Asian text lines up), with numbers right-aligned. A nil row is a
// separator, printed as "--" like grep's between context groups.
type grid struct {
	header []string
	right  []bool
	rows   [][]cell
	// dropEmpty leaves out columns whose cells are all empty.
	dropEmpty bool
}

// write renders g on w. With width > 0 the last column is cut with "…" so
// that rows fit in width columns (unless that would leave it fewer than 8).
// Colours are written only if color is set.
func (g *grid) write(w io.Writer, width int, color bool) error {
	if g.dropEmpty {
		g.dropEmptyColumns()
	}
	n := len(g.header)
	widths := make([]int, n)
	for i, h := range g.header {
		widths[i] = runewidth.StringWidth(h)
	}
	for _, r := range g.rows {
		for i := 0; i < n && i < len(r); i++ {
			widths[i] = max(widths[i], runewidth.StringWidth(r[i].text))
		}
	}
	limit := 0 // width of the last column; 0 = no limit
	if width > 0 && n > 0 {
		used := 2 * (n - 1)
		for _, cw := range widths[:n-1] {
			used += cw
		}
		if avail := width - used; avail >= 8 && avail < widths[n-1] {
			limit = avail
		}
	}
	var b strings.Builder
	line := func(cells []cell, head bool) {
		for i := 0; i < n; i++ {
			var c cell
			if i < len(cells) {
				c = cells[i]
			}
			text := c.text
			if i == n-1 && limit > 0 && runewidth.StringWidth(text) > limit {
				text = runewidth.Truncate(text, limit, "…")
			}
			pad := widths[i] - runewidth.StringWidth(text)
			if i > 0 {
				b.WriteString("  ")
			}
			if g.right[i] {
				b.WriteString(strings.Repeat(" ", pad))
			}
			if color && head {
				c.color = sgrBold
			}
			if color && c.color != "" && text != "" {
				b.WriteString(c.color)
				b.WriteString(text)
				b.WriteString(sgrReset)
			} else {
				b.WriteString(text)
			}
			if !g.right[i] && i < n-1 {
				b.WriteString(strings.Repeat(" ", pad))
			}
		}
		// Trailing blanks of an empty last column are noise.
		s := strings.TrimRight(b.String(), " ")
		b.Reset()
		io.WriteString(w, s)
		io.WriteString(w, "\n")
	}
	hc := make([]cell, n)
	for i, h := range g.header {
		hc[i] = cell{text: h}
	}
	line(hc, true)
	for _, r := range g.rows {
		if r == nil {
			io.WriteString(w, "--\n")
			continue
		}
		line(r, false)
	}
	return nil
}

func (g *grid) dropEmptyColumns() {
	used := make([]bool, len(g.header))
	for _, r := range g.rows {
		for i := 0; i < len(r) && i < len(used); i++ {
			used[i] = used[i] || r[i].text != ""
		}
	}
	keep := func(i int) bool { return used[i] }
	g.header, g.right = filterCols(g.header, keep), filterCols(g.right, keep)
	for i, r := range g.rows {
		if r != nil {
			g.rows[i] = filterCols(r, keep)
		}
	}
	g.dropEmpty = false
}

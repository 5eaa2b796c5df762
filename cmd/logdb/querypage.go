package main

import (
	"fmt"
	"io"
	"os"
	"slices"

	"golang.org/x/term"

	"github.com/logdb/logdb/query"
)

// noQueryHelp is printed, before the usage, by logdb query without a query
// when its output is not a terminal: a script that forgot its query must
// not get the whole store.
const noQueryHelp = "logdb query: no query given; to print every line, ask for it: logdb query '*'\n\n"

// pageRows returns how many lines of a result fit on a terminal of the
// given height, leaving room for the table's header, the hint under it and
// the shell's prompt; at least 1. A height of 0 (unknown) is taken as 24.
func pageRows(height int) int {
	if height <= 0 {
		height = 24
	}
	return max(height-3, 1)
}

// terminalHeight returns the height of the terminal w is, or 0.
func terminalHeight(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	_, h, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return h
}

// lastPage keeps the last n rows added to it: the screenful that logdb
// query without a query shows on a terminal.
type lastPage struct {
	n    int
	ring []query.Row
	next int   // where the next row goes once ring is full
	seen int64 // rows added
}

func newLastPage(n int) *lastPage { return &lastPage{n: n} }

// add keeps a copy of r, which the query may reuse after Next, dropping the
// oldest row kept when there are n already.
func (p *lastPage) add(r *query.Row) {
	c := *r
	if r.Entry != nil {
		e := *r.Entry
		e.Labels = slices.Clone(e.Labels)
		c.Entry = &e
	}
	c.Values = slices.Clone(r.Values)
	p.seen++
	if len(p.ring) < p.n {
		p.ring = append(p.ring, c)
		return
	}
	p.ring[p.next] = c
	p.next = (p.next + 1) % p.n
}

// rows returns the rows kept, oldest first.
func (p *lastPage) rows() []query.Row {
	return append(slices.Clone(p.ring[p.next:]), p.ring[:p.next]...)
}

// hint says what the page shows and how to see the rest, in one line.
func (p *lastPage) hint() string {
	if p.seen <= int64(len(p.ring)) {
		return fmt.Sprintf("(all %d lines; logdb query QUERY narrows them)", p.seen)
	}
	return fmt.Sprintf("(the last %d of %d lines; logdb query '*' prints them all, logdb query QUERY narrows them)", len(p.ring), p.seen)
}

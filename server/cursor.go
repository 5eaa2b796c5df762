package server

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// A queryCursor is where a QUERY page ended. It is self-contained: it
// holds the query text, the time its relative times were resolved against
// and its zone, so that every page runs the same query; and either the
// position of the last row returned (seek mode) or how many rows were
// returned (offset mode).
//
// Seek mode is for queries whose rows are entries in the engine's order,
// (time, job, attempt, line), ascending or, after "| sort by time desc",
// descending: no pipes other than that sort. The next page re-runs the
// query from the last row's time (since= that time, or until= just after
// it when descending) and skips rows up to and including the last row's
// position. Since the order is total, no row is skipped or repeated, also
// when many share a timestamp; the cost is re-reading the rows that share
// the boundary timestamp. Lines appended later whose position is before
// the cursor are not returned by later pages: the cursor is a position in
// the order, not a snapshot.
//
// Offset mode is for everything else (count, fields, sort by other keys,
// limit, context): the next page re-runs the query and skips the rows
// already returned. Such results are small or bounded by the query, but a
// page reflects the data when it runs.
//
// The encoding is base64url of: version(1) flags(1) now(varint)
// query(uvarint length + bytes) tz(uvarint length + bytes), then in seek
// mode with a position time(varint) job(string) attempt(varint)
// line(varint), in offset mode offset(uvarint).
type queryCursor struct {
	query string
	now   int64
	tz    string

	runs   bool // a query over runs (OVER runs)
	seek   bool
	hasPos bool
	time   int64
	job    string
	line   int64
	att    int64

	offset int64
}

const queryCursorVersion = 1

const (
	cursorSeek   = 1 << 0
	cursorHasPos = 1 << 1
	cursorRuns   = 1 << 2
)

var errBadQueryCursor = errors.New("bad cursor")

func (c *queryCursor) String() string {
	b := []byte{queryCursorVersion, 0}
	if c.seek {
		b[1] |= cursorSeek
	}
	if c.hasPos {
		b[1] |= cursorHasPos
	}
	if c.runs {
		b[1] |= cursorRuns
	}
	b = binary.AppendVarint(b, c.now)
	b = appendString(b, c.query)
	b = appendString(b, c.tz)
	if c.seek {
		if c.hasPos {
			b = binary.AppendVarint(b, c.time)
			b = appendString(b, c.job)
			b = binary.AppendVarint(b, c.att)
			b = binary.AppendVarint(b, c.line)
		}
	} else {
		b = binary.AppendUvarint(b, uint64(c.offset))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func parseQueryCursor(s string) (*queryCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != queryCursorVersion {
		return nil, errBadQueryCursor
	}
	c := &queryCursor{seek: b[1]&cursorSeek != 0, hasPos: b[1]&cursorHasPos != 0, runs: b[1]&cursorRuns != 0}
	d := decoder{b: b[2:]}
	c.now = d.varint()
	c.query = d.string()
	c.tz = d.string()
	if c.seek {
		if c.hasPos {
			c.time = d.varint()
			c.job = d.string()
			c.att = d.varint()
			c.line = d.varint()
		}
	} else {
		c.offset = int64(d.uvarint())
	}
	if d.bad || len(d.b) != 0 || c.offset < 0 {
		return nil, errBadQueryCursor
	}
	return c, nil
}

// decoder reads varints and strings, remembering whether any was bad.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 {
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return x
}

func (d *decoder) varint() int64 {
	x, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return x
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.bad = true
		d.b = nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

package engine

import "fmt"

// decodeTimesLevels decodes only the times and levels of the block v,
// whose first line is first, into b: b.times, b.levels and b.first are
// set, and nothing else of b may be used. A block of codec 2 has them in
// columns of their own, so its messages are not decompressed; one of an
// older codec is decoded whole. The checksum is checked either way.
func (c *codec) decodeTimesLevels(b *block, first int64, v []byte) error {
	if len(v) < 2 || v[0] != blockVersion || v[1] != codecColumns {
		return c.decodeInto(b, first, v)
	}
	_, r, n, rawLen, err := blockHeader(v)
	if err != nil {
		return err
	}
	cols, err := splitColumns(r.b, rawLen)
	if err != nil {
		return err
	}
	if cols[1].n != n {
		return fmt.Errorf("%w: level column of %d bytes for %d lines", errCorrupt, cols[1].n, n)
	}
	buf, err := c.appendColumn(b.buf[:0], 0, cols[0])
	if err != nil {
		return err
	}
	timesEnd := len(buf)
	if buf, err = c.appendColumn(buf, 1, cols[1]); err != nil {
		return err
	}
	b.buf = buf
	b.first = first
	b.times = grow(b.times, n)
	b.levels = grow(b.levels, n)
	if !readRiceTimes(b.times, buf[:timesEnd]) {
		return fmt.Errorf("%w: bad time column", errCorrupt)
	}
	for i, l := range buf[timesEnd:] {
		if l >= byte(NumLevels) {
			return fmt.Errorf("%w: level %d", errCorrupt, l)
		}
		b.levels[i] = Level(l)
	}
	return nil
}

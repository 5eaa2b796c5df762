package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/klauspost/compress/zstd"
)

// A block holds consecutive lines of one run in columns. Blocks are
// immutable once built. See FORMAT.md for the encoding:
//
//	block   = version(1) codec(1) count(uvarint) rawLen(uvarint) payload crc(4)
//	payload = times levels labelSets setIndex msgLens msgs
//
// The payload is stored raw (codec 0), as one zstd frame (codec 1: small
// blocks, and all written before columns) or a column at a time (codec 2,
// see appendColumns).
//
// crc is the CRC-32C (Castagnoli) of everything before it, little-endian.
// Version 1 blocks, written before checksums, have no crc; they are still
// read, unchecked.
type block struct {
	first  int64    // line number of row 0
	times  []int64  // event time per row, Unix ns
	levels []Level  // level per row
	sets   []Labels // distinct label sets
	setIdx []uint32 // label set per row; nil when len(sets) <= 1
	msgOff []uint32 // message i is data[msgOff[i]:msgOff[i+1]-sep]
	sep    uint32   // 1 if each message in data ends with a newline
	data   string   // the messages, concatenated; aliases the end of buf
	buf    []byte   // the decoded payload
}

// Block versions: 1 without a checksum (still read), 2 with one.
const (
	blockVersionNoCRC = 1
	blockVersion      = 2
)

// castagnoli is the CRC-32C table; hash/crc32 computes it with the CPU's
// CRC32 instruction where there is one.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendCRC appends the CRC-32C of b to b.
func appendCRC(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// checkCRC verifies the CRC-32C that ends v and returns v without it.
func checkCRC(v []byte) ([]byte, bool) {
	if len(v) < 4 {
		return nil, false
	}
	n := len(v) - 4
	return v[:n], crc32.Checksum(v[:n], castagnoli) == binary.LittleEndian.Uint32(v[n:])
}

// Block codecs.
const (
	codecRaw     = 0
	codecZstd    = 1 // the payload as one frame: small payloads (see columnsMin)
	codecColumns = 2 // each column its own frame: see appendColumns
)

var errCorrupt = errors.New("engine: corrupt block")

// maxBlockRaw bounds the decoded size of a block, so that a corrupt header
// cannot make the decoder allocate without limit. Blocks are cut at
// BlockBytes, but one line may be up to MaxLineBytes on its own.
const maxBlockRaw = 1 << 30

func (b *block) len() int { return len(b.times) }

func (b *block) msg(i int) string { return b.data[b.msgOff[i] : b.msgOff[i+1]-b.sep] }

func (b *block) labels(i int) Labels {
	switch {
	case b.setIdx != nil:
		return b.sets[b.setIdx[i]]
	case len(b.sets) == 1:
		return b.sets[0]
	}
	return nil
}

// entry fills e with row i. Job and Attempt are left to the caller.
func (b *block) entry(i int, e *Entry) {
	e.Line = b.first + int64(i)
	e.Time = b.times[i]
	e.Level = b.levels[i]
	e.Message = b.msg(i)
	e.Labels = b.labels(i)
}

// codec compresses and decompresses blocks. It is safe for concurrent use.
type codec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

func newCodec() (*codec, error) {
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithEncoderCRC(false),
		zstd.WithZeroFrames(true))
	if err != nil {
		return nil, err
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
	if err != nil {
		return nil, err
	}
	return &codec{enc: enc, dec: dec}, nil
}

func (c *codec) close() {
	c.enc.Close()
	c.dec.Close()
}

// encodeBlock encodes es (consecutive lines of one run) and returns the
// block value and its summary.
func (c *codec) encodeBlock(es []Entry) ([]byte, summary) {
	sum := summary{count: len(es)}
	size, msgBytes, newlines := 0, 0, false
	for i := range es {
		size += len(es[i].Message) + 24
		msgBytes += len(es[i].Message)
		newlines = newlines || strings.IndexByte(es[i].Message, '\n') >= 0
	}
	// A payload stored a column at a time ends each message with a
	// newline instead of giving lengths, unless a message holds one.
	// Label kinds are kept only in codec 2, so a block with a label of
	// another kind than string is stored so whatever its size.
	columns := msgBytes+3*len(es) >= columnsMin || hasKinds(es)
	terminated := columns && !newlines
	sc := encodePool.Get().(*encodeScratch)
	defer encodePool.Put(sc)
	p := slices.Grow(sc.p[:0], size)
	defer func() { sc.p = keepScratch(p) }()
	var cols [numColumns]int // where each column ends in p

	// Times as zig-zag deltas (Rice-coded a column at a time), levels as
	// bytes.
	prev := int64(0)
	var ts []int64
	if columns {
		ts = grow(sc.ts, len(es))
		sc.ts = ts
	}
	for i := range es {
		t := es[i].Time
		if columns {
			ts[i] = t
		} else {
			p = binary.AppendVarint(p, t-prev)
		}
		prev = t
		if i == 0 || t < sum.minT {
			sum.minT = t
		}
		if i == 0 || t > sum.maxT {
			sum.maxT = t
		}
	}
	if columns {
		p = appendRiceTimes(p, ts)
	}
	cols[0] = len(p)
	for i := range es {
		p = append(p, byte(es[i].Level))
		sum.levels[es[i].Level]++
		sum.bytes += int64(len(es[i].Message)) + 1
	}
	cols[1] = len(p)

	// Label sets, deduplicated.
	var (
		setOf = map[string]uint32{}
		keys  []string
		idx   = grow(sc.idx, len(es))
	)
	sc.idx = idx
	var kb []byte
	for i := range es {
		kb = appendLabels(kb[:0], es[i].Labels, columns)
		id, ok := setOf[string(kb)]
		if !ok {
			id = uint32(len(keys))
			setOf[string(kb)] = id
			keys = append(keys, string(kb))
		}
		idx[i] = id
	}
	if len(keys) == 1 && keys[0] == "\x00" {
		keys = nil // no labels at all
	}
	p = binary.AppendUvarint(p, uint64(len(keys)))
	for _, k := range keys {
		p = append(p, k...)
	}
	if len(keys) > 1 {
		for _, id := range idx {
			p = binary.AppendUvarint(p, uint64(id))
		}
	}

	cols[2] = len(p)

	// Messages: lengths, then bytes; or no lengths and each message
	// ended with a newline, which compresses better (on the shared
	// workload 34.6 B/line against 35.3 for lengths and messages).
	if !terminated {
		for i := range es {
			p = binary.AppendUvarint(p, uint64(len(es[i].Message)))
		}
	}
	cols[3] = len(p)
	for i := range es {
		p = append(p, es[i].Message...)
		if terminated {
			p = append(p, '\n')
		}
	}
	cols[4] = len(p)

	// Encoded into the scratch buffer, then copied out at its size: the
	// value lives until its transaction commits, and a buffer sized for
	// the worst case would double what the garbage collector sees.
	v := slices.Grow(sc.v[:0], 16+len(p)/2)
	defer func() { sc.v = keepScratch(v) }()
	v = append(v, blockVersion, codecColumns)
	v = binary.AppendUvarint(v, uint64(len(es)))
	v = binary.AppendUvarint(v, uint64(len(p)))
	hdr := len(v)
	if columns {
		// A payload laid out for codec 2 stays in codec 2: a column zstd
		// does not shrink is stored raw.
		v = c.appendColumns(v, p, cols[:])
	} else {
		v[1] = codecZstd
		if v = c.enc.EncodeAll(p, v); len(v)-hdr >= len(p) {
			v = append(v[:hdr], p...)
			v[1] = codecRaw
		}
	}
	v = appendCRC(v)
	return bytes.Clone(v), sum
}

// encodeScratch holds the buffers of one encodeBlock, for the next.
type encodeScratch struct {
	p, v []byte
	ts   []int64
	idx  []uint32
}

var encodePool = sync.Pool{New: func() any { return new(encodeScratch) }}

// keepScratch returns b emptied for reuse, or nil if it is too big to keep.
func keepScratch(b []byte) []byte {
	if cap(b) > 4<<20 {
		return nil
	}
	return b[:0]
}

// hasKinds reports whether a label of es is of another kind than string.
func hasKinds(es []Entry) bool {
	for i := range es {
		for _, l := range es[i].Labels {
			if l.Kind != LabelString {
				return true
			}
		}
	}
	return false
}

// columnsMin is the smallest payload (as its messages and three bytes a
// line count it) stored a column at a time: below it the frames' own
// headers and tables cost more than apart columns save.
const columnsMin = 4 << 10

// numColumns is the number of sections of a payload that codecColumns
// compresses apart: times, levels, label sets with their index, message
// lengths, and messages.
const numColumns = 5

// appendColumns appends the payload p, cut at ends, a column at a time:
// for each, its length in p (uvarint), its stored length (uvarint; 0 if
// stored raw, as are the empty and those zstd does not shrink), and the
// stored bytes. One zstd frame over columns this different shares its
// entropy tables between them: on the shared workload the messages
// compress to 34.3 B/line on their own and the rest to 5.7, against 42.2
// for the two in one frame.
func (c *codec) appendColumns(v, p []byte, ends []int) []byte {
	start := 0
	for _, end := range ends {
		col := p[start:end]
		start = end
		v = binary.AppendUvarint(v, uint64(len(col)))
		if len(col) == 0 {
			v = append(v, 0)
			continue
		}
		// Compressed in place, then moved up behind its length.
		mark := len(v)
		v = c.enc.EncodeAll(col, v)
		z := len(v) - mark
		if z >= len(col) {
			v = append(v[:mark], 0)
			v = append(v, col...)
			continue
		}
		var lb [binary.MaxVarintLen64]byte
		n := binary.PutUvarint(lb[:], uint64(z))
		v = append(v, lb[:n]...)
		copy(v[mark+n:], v[mark:mark+z])
		copy(v[mark:], lb[:n])
	}
	return v
}

// A storedColumn is one column of a payload that appendColumns stored.
type storedColumn struct {
	n    int    // its bytes in the payload
	data []byte // as stored: a zstd frame if zstd, else the bytes
	zstd bool
}

// splitColumns reads the columns that appendColumns stored in b, a payload
// of rawLen bytes.
func splitColumns(b []byte, rawLen int) ([numColumns]storedColumn, error) {
	var cols [numColumns]storedColumn
	r := reader{b: b}
	total := 0
	for i := range cols {
		n := int(r.uvarint())
		stored := int(r.uvarint())
		if r.err != nil || n < 0 || n > rawLen-total || stored < 0 || stored > len(r.b) {
			return cols, fmt.Errorf("%w: bad column header", errCorrupt)
		}
		size := stored
		if stored == 0 {
			size = n
		}
		if cols[i].data = r.bytes(size); r.err != nil {
			return cols, fmt.Errorf("%w: column %d is cut short", errCorrupt, i)
		}
		cols[i].n, cols[i].zstd = n, stored != 0
		total += n
	}
	if len(r.b) != 0 {
		return cols, fmt.Errorf("%w: %d bytes after the columns", errCorrupt, len(r.b))
	}
	return cols, nil
}

// appendColumn appends column i, col, decoded to dst.
func (c *codec) appendColumn(dst []byte, i int, col storedColumn) ([]byte, error) {
	before := len(dst)
	if !col.zstd {
		dst = append(dst, col.data...)
	} else {
		var err error
		if dst, err = c.dec.DecodeAll(col.data, dst); err != nil {
			return nil, fmt.Errorf("%w: %v", errCorrupt, err)
		}
	}
	if len(dst)-before != col.n {
		return nil, fmt.Errorf("%w: column %d is %d bytes, want %d", errCorrupt, i, len(dst)-before, col.n)
	}
	return dst, nil
}

// decodeColumns appends to dst the payload that appendColumns stored in
// b, which must decode to rawLen bytes, and returns where in it each
// column ends. msgs, if not nil, is the message column already decoded
// (see messagesColumn), copied instead of decoded again.
func (c *codec) decodeColumns(dst, b []byte, rawLen int, msgs []byte) ([]byte, [numColumns]int, error) {
	var ends [numColumns]int
	cols, err := splitColumns(b, rawLen)
	if err != nil {
		return nil, ends, err
	}
	for i, col := range cols {
		if i == numColumns-1 && msgs != nil && len(msgs) == col.n {
			dst = append(dst, msgs...)
		} else if dst, err = c.appendColumn(dst, i, col); err != nil {
			return nil, ends, err
		}
		ends[i] = len(dst)
	}
	return dst, ends, nil
}

// appendLabels appends the encoding of a label set: n, then n pairs of
// length-prefixed name and value. With kinds (codec 2 blocks) each name's
// length is written as len<<2 | kind; without (codec 0 and 1 blocks, run
// records) every label is read back as a string.
func appendLabels(b []byte, ls Labels, kinds bool) []byte {
	b = binary.AppendUvarint(b, uint64(len(ls)))
	for _, l := range ls {
		if kinds {
			k := l.Kind
			if k >= numLabelKinds {
				k = LabelString
			}
			b = binary.AppendUvarint(b, uint64(len(l.Name))<<2|uint64(k))
		} else {
			b = binary.AppendUvarint(b, uint64(len(l.Name)))
		}
		b = append(b, l.Name...)
		b = binary.AppendUvarint(b, uint64(len(l.Value)))
		b = append(b, l.Value...)
	}
	return b
}

// decodeBlock decodes a block value. The returned block does not alias v;
// its messages alias a buffer that is never written again.
func (c *codec) decodeBlock(first int64, v []byte) (*block, error) {
	b := new(block)
	if err := c.decodeInto(b, first, v); err != nil {
		return nil, err
	}
	return b, nil
}

// blockPool holds blocks for scans that keep nothing of a block after
// scanning it (see getPooledBlock); reusing their buffers spares the
// garbage collector most of a full scan's allocation.
var blockPool = sync.Pool{New: func() any { return new(block) }}

// decodePooled decodes v into a block from blockPool. The caller must copy
// out any message it keeps and then call releaseBlock.
func (c *codec) decodePooled(first int64, v []byte) (*block, error) {
	b := blockPool.Get().(*block)
	if err := c.decodeInto(b, first, v); err != nil {
		releaseBlock(b)
		return nil, err
	}
	return b, nil
}

// decodePooledUnless is decodePooled, but returns nil, having decoded only
// its message column, for a block of codec 2 whose messages skip rules
// out.
func (c *codec) decodePooledUnless(first int64, v []byte, skip func(msgs []byte) bool) (*block, error) {
	scratch := msgsPool.Get().(*[]byte)
	defer msgsPool.Put(scratch)
	msgs, ok, err := c.messagesColumn(*scratch, v)
	if msgs != nil && cap(msgs) <= 4<<20 {
		*scratch = msgs[:0]
	}
	if err != nil {
		return nil, err
	}
	if ok && skip(msgs) {
		return nil, nil
	}
	b := blockPool.Get().(*block)
	if err := c.decodeWith(b, first, v, msgs); err != nil {
		releaseBlock(b)
		return nil, err
	}
	return b, nil
}

// msgsPool holds the buffers decodePooledUnless decodes message columns
// into.
var msgsPool = sync.Pool{New: func() any { return new([]byte) }}

func releaseBlock(b *block) {
	if cap(b.buf) > 4<<20 {
		return // one huge line; let it go
	}
	b.data = ""
	b.sets = nil
	blockPool.Put(b)
}

// grow returns s with length n, reusing its array if it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// decodeInto decodes a block value into b, reusing b's slices.
func (c *codec) decodeInto(b *block, first int64, v []byte) error {
	return c.decodeWith(b, first, v, nil)
}

// decodeWith is decodeInto for a block whose message column, if msgs is
// not nil, messagesColumn has decoded already.
// blockHeader checks the version and checksum of block value v and reads
// its line count and payload length. It returns v without its checksum
// and a reader at the stored payload.
func blockHeader(v []byte) (_ []byte, r reader, n, rawLen int, err error) {
	if len(v) < 2 || (v[0] != blockVersion && v[0] != blockVersionNoCRC) {
		return nil, r, 0, 0, fmt.Errorf("%w: bad header", errCorrupt)
	}
	if v[0] == blockVersion {
		var ok bool
		if v, ok = checkCRC(v); !ok {
			return nil, r, 0, 0, fmt.Errorf("%w: checksum mismatch", errCorrupt)
		}
	}
	r = reader{b: v[2:]}
	n = int(r.uvarint())
	rawLen = int(r.uvarint())
	// Every row takes at least 3 payload bytes: a time, a level and a
	// message length.
	if r.err != nil || n < 0 || rawLen < 0 || rawLen > maxBlockRaw || n*3 > rawLen {
		return nil, r, 0, 0, fmt.Errorf("%w: bad header", errCorrupt)
	}
	return v, r, n, rawLen, nil
}

func (c *codec) decodeWith(b *block, first int64, v, msgs []byte) error {
	v, r, n, rawLen, err := blockHeader(v)
	if err != nil {
		return err
	}
	var p []byte
	terminated := false // messages end with newlines, without lengths
	timesEnd := 0       // where a Rice-coded time column ends
	switch v[1] {
	case codecRaw:
		p = append(b.buf[:0], r.b...)
	case codecZstd, codecColumns:
		// Slack past rawLen lets the decoder use its fast, unchecked copies.
		dst := b.buf[:0]
		if cap(dst) < rawLen+64 {
			dst = make([]byte, 0, min(rawLen, 1<<20)+64)
		}
		var err error
		if v[1] == codecZstd {
			p, err = c.dec.DecodeAll(r.b, dst)
			if err != nil {
				err = fmt.Errorf("%w: %v", errCorrupt, err)
			}
		} else {
			var ends [numColumns]int
			p, ends, err = c.decodeColumns(dst, r.b, rawLen, msgs)
			terminated, timesEnd = ends[3] == ends[2], ends[0]
		}
		if err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: unknown codec %d", errCorrupt, v[1])
	}
	b.buf = p
	if len(p) != rawLen {
		return fmt.Errorf("%w: payload is %d bytes, want %d", errCorrupt, len(p), rawLen)
	}

	b.first = first
	b.times = grow(b.times, n)
	b.levels = grow(b.levels, n)
	b.msgOff = grow(b.msgOff, n+1)
	b.msgOff[0] = 0
	r = reader{b: p}
	if v[1] == codecColumns {
		if !readRiceTimes(b.times, p[:timesEnd]) {
			return fmt.Errorf("%w: bad time column", errCorrupt)
		}
		r.b = p[timesEnd:]
	} else {
		t := int64(0)
		for i := range b.times {
			t += r.varint()
			b.times[i] = t
		}
	}
	lv := r.bytes(n)
	if r.err != nil {
		return fmt.Errorf("%w: bad columns", errCorrupt)
	}
	for i, l := range lv {
		if l >= byte(NumLevels) {
			return fmt.Errorf("%w: level %d", errCorrupt, l)
		}
		b.levels[i] = Level(l)
	}
	nsets := int(r.uvarint())
	if nsets > rawLen {
		return fmt.Errorf("%w: %d label sets", errCorrupt, nsets)
	}
	b.sets = make([]Labels, nsets)
	for s := range b.sets {
		nl := int(r.uvarint())
		if nl > rawLen {
			return fmt.Errorf("%w: %d labels", errCorrupt, nl)
		}
		ls := make(Labels, nl)
		for j := range ls {
			n := r.uvarint()
			if v[1] == codecColumns {
				ls[j].Kind = LabelKind(n & 3)
				if ls[j].Kind >= numLabelKinds {
					return fmt.Errorf("%w: label kind %d", errCorrupt, ls[j].Kind)
				}
				n >>= 2
			}
			ls[j].Name = string(r.bytes(int(n)))
			ls[j].Value = string(r.bytes(int(r.uvarint())))
		}
		b.sets[s] = ls
	}
	b.setIdx = b.setIdx[:0]
	if nsets > 1 {
		b.setIdx = grow(b.setIdx, n)
		for i := range b.setIdx {
			id := r.uvarint()
			if r.err == nil && id >= uint64(nsets) {
				r.err = errCorrupt
			}
			b.setIdx[i] = uint32(id)
		}
	} else {
		b.setIdx = nil
	}
	b.sep = 0
	if terminated {
		b.sep = 1
		if !newlineEnds(b.msgOff[1:], r.b) {
			return fmt.Errorf("%w: bad message column", errCorrupt)
		}
	} else {
		off := uint64(0)
		for i := 0; i < n; i++ {
			off += r.uvarint()
			b.msgOff[i+1] = uint32(off)
		}
		if r.err != nil || off != uint64(len(r.b)) {
			return fmt.Errorf("%w: bad columns", errCorrupt)
		}
	}
	b.data = ""
	if len(r.b) > 0 {
		b.data = unsafe.String(&r.b[0], len(r.b))
	}
	return nil
}

// newlineEnds sets ends[i] to just after the i-th newline of msgs, and
// reports whether msgs holds exactly len(ends) newlines and ends with one.
func newlineEnds(ends []uint32, msgs []byte) bool {
	off := 0
	for i := range ends {
		j := bytes.IndexByte(msgs[off:], '\n')
		if j < 0 {
			return false
		}
		off += j + 1
		ends[i] = uint32(off)
	}
	return off == len(msgs)
}

// messagesColumn returns the message column of v, a block value of
// codec 2 whose checksum holds, decoded into dst: the messages
// concatenated, each ended by a newline unless the block keeps lengths. ok
// is false for a block of another codec, which is decoded whole. A scan
// that rules blocks out by their messages alone decodes no other column of
// the blocks it skips.
func (c *codec) messagesColumn(dst, v []byte) (msgs []byte, ok bool, err error) {
	if len(v) < 2 || v[0] != blockVersion || v[1] != codecColumns {
		return nil, false, nil
	}
	v, good := checkCRC(v)
	if !good {
		return nil, true, fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	r := reader{b: v[2:]}
	r.uvarint()
	rawLen := int(r.uvarint())
	if r.err != nil {
		return nil, true, fmt.Errorf("%w: bad header", errCorrupt)
	}
	cols, err := splitColumns(r.b, rawLen)
	if err != nil {
		return nil, true, err
	}
	msgs, err = c.appendColumn(dst[:0], numColumns-1, cols[numColumns-1])
	return msgs, true, err
}

// reader decodes varints from a byte slice, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.err = errCorrupt
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

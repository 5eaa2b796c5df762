package engine

import (
	"encoding/binary"
	"math/bits"
)

// The times of a block stored a column at a time are Rice-coded: the first
// as a zig-zag varint, each later one as the zig-zag delta u from the one
// before, written as u>>k in unary (that many 1 bits, then a 0) and the low
// k bits of u, most significant bit first:
//
//	times = k(1 byte) first(varint) bits
//
// A quotient of riceEscape or more is written as riceEscape 1 bits and u
// in 64 bits. Lines a few milliseconds apart in nanoseconds have deltas of
// about 27 random bits, which zstd cannot shrink: as varints they take 4
// bytes, Rice-coded about 3.6 (the shared workload: 4.09 B/line as zstd'd
// varints, 3.61 Rice-coded). k is chosen per block, the one of a few
// around the deltas' mean that gives the fewest bits.

// riceEscape is the quotient from which a delta is written whole.
const riceEscape = 40

// appendRiceTimes appends the times column of ts.
func appendRiceTimes(p []byte, ts []int64) []byte {
	if len(ts) == 0 {
		return p
	}
	k := riceK(ts)
	p = append(p, byte(k))
	p = binary.AppendVarint(p, ts[0])
	var w bitWriter
	w.b = p
	for i := 1; i < len(ts); i++ {
		u := zigzag(ts[i] - ts[i-1])
		if q := u >> k; q >= riceEscape {
			w.ones(riceEscape)
			w.write(u, 64)
		} else {
			w.ones(int(q))
			w.write(0, 1)
			w.write(u&(1<<k-1), int(k))
		}
	}
	return w.flush()
}

// riceK returns the Rice parameter that codes the deltas of ts in the
// fewest bits.
func riceK(ts []int64) uint {
	var sum uint64
	for i := 1; i < len(ts); i++ {
		sum += min(zigzag(ts[i]-ts[i-1]), 1<<50)
	}
	mean := sum / uint64(max(len(ts)-1, 1))
	guess := max(bits.Len64(mean)-1, 0)
	best, bestBits := uint(0), uint64(1<<63)
	for k := max(guess-2, 0); k <= min(guess+2, 63); k++ {
		n := uint64(0)
		for i := 1; i < len(ts); i++ {
			if q := zigzag(ts[i]-ts[i-1]) >> k; q >= riceEscape {
				n += riceEscape + 64
			} else {
				n += q + 1 + uint64(k)
			}
		}
		if n < bestBits {
			best, bestBits = uint(k), n
		}
	}
	return best
}

// readRiceTimes decodes the times column in col into ts, which has the
// block's number of rows, and reports whether col held exactly them.
func readRiceTimes(ts []int64, col []byte) bool {
	if len(ts) == 0 {
		return len(col) == 0
	}
	k, t, b, ok := riceHeader(col)
	if !ok {
		return false
	}
	ts[0] = t
	// The bits are read through a left-aligned buffer: acc's top nb bits
	// are the next ones, loaded 8 bytes at a time; bits of b[pos] beyond
	// nb may already be in acc, and loading them again sets the same bits.
	var acc uint64
	var nb uint
	pos := 0
	for i := 1; i < len(ts); i++ {
		if nb < 56 {
			if pos+8 <= len(b) {
				acc |= binary.BigEndian.Uint64(b[pos:]) >> nb
				adv := (63 - nb) >> 3
				pos += int(adv)
				nb += adv << 3
			} else {
				for nb <= 56 && pos < len(b) {
					acc |= uint64(b[pos]) << (56 - nb)
					pos++
					nb += 8
				}
			}
		}
		q := uint(bits.LeadingZeros64(^acc))
		var u uint64
		if q < riceEscape && q+1+k <= nb {
			u = uint64(q) << k
			if k > 0 {
				u |= acc << (q + 1) >> (64 - k)
			}
			acc <<= q + 1 + k
			nb -= q + 1 + k
		} else {
			// A long code (an escape, or one longer than the buffer):
			// read bit by bit from where the buffer stands.
			r := bitReader{b: b[pos:], acc: acc >> (64 - nb), n: nb, ok: true}
			q := r.unary(riceEscape)
			if q == riceEscape {
				u = r.read(64)
			} else {
				u = uint64(q)<<k | r.read(k)
			}
			if !r.ok {
				return false
			}
			b, pos, nb, acc = r.b, 0, r.n, r.acc<<(64-r.n)
		}
		t += unzigzag(u)
		ts[i] = t
	}
	// What follows the last code is the last byte's 0 bits.
	return pos == len(b) && nb < 8 && acc == 0
}

// riceHeader splits a times column into its parameter k, its first time
// and the bits of the other times.
func riceHeader(col []byte) (k uint, first int64, rest []byte, ok bool) {
	if len(col) < 2 || col[0] > 63 {
		return 0, 0, nil, false
	}
	first, n := binary.Varint(col[1:])
	if n <= 0 {
		return 0, 0, nil, false
	}
	return uint(col[0]), first, col[1+n:], true
}

func zigzag(d int64) uint64   { return uint64(d<<1) ^ uint64(d>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// bitWriter appends bits to b, most significant first.
type bitWriter struct {
	b   []byte
	acc uint64 // pending bits, in the low n
	n   uint
}

// write appends the low n bits of v.
func (w *bitWriter) write(v uint64, n int) {
	if n > 32 {
		w.write(v>>32, n-32)
		v, n = v&(1<<32-1), 32
	}
	w.acc = w.acc<<uint(n) | v
	w.n += uint(n)
	for w.n >= 8 {
		w.n -= 8
		w.b = append(w.b, byte(w.acc>>w.n))
	}
	w.acc &= 1<<w.n - 1
}

// ones appends n 1 bits.
func (w *bitWriter) ones(n int) {
	for ; n > 32; n -= 32 {
		w.write(1<<32-1, 32)
	}
	w.write(1<<uint(n)-1, n)
}

// flush pads the last byte with 0 bits and returns the bytes.
func (w *bitWriter) flush() []byte {
	if w.n > 0 {
		w.b = append(w.b, byte(w.acc<<(8-w.n)))
		w.acc, w.n = 0, 0
	}
	return w.b
}

// bitReader reads bits from b, most significant first. ok turns false,
// and stays false, once a read runs past the end.
type bitReader struct {
	b   []byte
	acc uint64 // buffered bits, in the low n
	n   uint
	ok  bool
}

// fill buffers at least n bits (n ≤ 56) if b has them.
func (r *bitReader) fill(n uint) {
	if r.n >= n {
		return
	}
	if len(r.b) >= 8 {
		// As many whole bytes as fit, in one load.
		k := (64 - r.n) / 8
		r.acc = r.acc<<(8*k) | binary.BigEndian.Uint64(r.b)>>(64-8*k)
		r.b = r.b[k:]
		r.n += 8 * k
		return
	}
	for r.n < n && len(r.b) > 0 {
		r.acc = r.acc<<8 | uint64(r.b[0])
		r.b = r.b[1:]
		r.n += 8
	}
}

// read returns the next n bits.
func (r *bitReader) read(n uint) uint64 {
	if n > 32 {
		hi := r.read(n - 32)
		return hi<<32 | r.read(32)
	}
	if n == 0 {
		return 0
	}
	r.fill(n)
	if r.n < n {
		r.ok = false
		r.n = 0
		return 0
	}
	r.n -= n
	v := r.acc >> r.n & (1<<n - 1)
	r.acc &= 1<<r.n - 1
	return v
}

// unary returns the number of 1 bits before the next 0 bit, reading no
// more than limit 1 bits (then returning limit without a 0 bit).
func (r *bitReader) unary(limit int) int {
	q := 0
	for q < limit {
		r.fill(56)
		if r.n == 0 {
			r.ok = false
			return limit
		}
		// The buffered bits, left-aligned, inverted: leading zeros count
		// the 1 bits.
		inv := ^(r.acc << (64 - r.n))
		ones := bits.LeadingZeros64(inv) // at most r.n: inv's low bits are 1
		if q+ones >= limit {
			take := limit - q
			r.n -= uint(take)
			r.acc &= 1<<r.n - 1
			return limit
		}
		q += ones
		if ones < int(r.n) { // the 0 bit is buffered: consume it too
			r.n -= uint(ones + 1)
			r.acc &= 1<<r.n - 1
			return q
		}
		r.n = 0
		r.acc = 0
	}
	return q
}

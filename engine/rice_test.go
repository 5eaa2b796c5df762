package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Ensure that Rice-coded times decode to the times coded, whatever their
// spacing: equal, close, far apart, out of order and at the extremes.
func TestRiceTimes_RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := map[string][]int64{
		"one":       {1764000000123456789},
		"equal":     {5, 5, 5, 5},
		"ms apart":  nil,
		"minutes":   nil,
		"backwards": {100, 90, 80, 200, 10},
		"extremes":  {math.MinInt64, math.MaxInt64, 0, math.MaxInt64, math.MinInt64},
		"mixed":     nil,
	}
	t0 := int64(1764000000000000000)
	for i := range 2000 {
		cases["ms apart"] = append(cases["ms apart"], t0+int64(i)*90e6+rng.Int64N(90e6))
		cases["minutes"] = append(cases["minutes"], t0+int64(i)*60e9+rng.Int64N(1e9))
		d := rng.Int64N(1 << uint(rng.IntN(62)))
		cases["mixed"] = append(cases["mixed"], t0+d-rng.Int64N(1<<20))
	}
	for name, ts := range cases {
		col := appendRiceTimes(nil, ts)
		got := make([]int64, len(ts))
		if !readRiceTimes(got, col) {
			t.Fatalf("%s: the column does not decode", name)
		}
		for i := range ts {
			if got[i] != ts[i] {
				t.Fatalf("%s: time %d = %d, want %d", name, i, got[i], ts[i])
			}
		}
		// A code shorter than a byte may hide in the last byte's
		// padding; longer ones may not.
		if name != "ms apart" && name != "minutes" {
			continue
		}
		if readRiceTimes(make([]int64, len(ts)+1), col) {
			t.Errorf("%s: decodes as one row more than it has", name)
		}
		if readRiceTimes(got[:len(ts)-1], col) {
			t.Errorf("%s: decodes as one row fewer than it has", name)
		}
	}
	// Lines about 90 ms apart, in nanoseconds: about 28 bits a line.
	if n := len(appendRiceTimes(nil, cases["ms apart"])); n > 2000*29/8 {
		t.Errorf("2000 times 90 ms apart take %d bytes, want at most %d", n, 2000*29/8)
	}
}

// FuzzRiceTimes checks that any bytes decode to times or are refused,
// never panic, as a plain bit-by-bit reader decodes them, and that times
// decoded encode to a column that decodes to them again.
func FuzzRiceTimes(f *testing.F) {
	f.Add(3, appendRiceTimes(nil, []int64{1, 2, 3}))
	f.Add(2, appendRiceTimes(nil, []int64{math.MaxInt64, math.MinInt64}))
	f.Add(4, []byte{63, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, n int, col []byte) {
		if n < 0 || n > 4096 {
			return
		}
		ts := make([]int64, n)
		ok := readRiceTimes(ts, col)
		ref := make([]int64, n)
		if refOK := riceTimesBitByBit(ref, col); ok != refOK {
			t.Fatalf("decodes: %v, bit by bit: %v", ok, refOK)
		}
		if !ok {
			return
		}
		for i := range ts {
			if ts[i] != ref[i] {
				t.Fatalf("time %d = %d, bit by bit %d", i, ts[i], ref[i])
			}
		}
		again := make([]int64, n)
		if !readRiceTimes(again, appendRiceTimes(nil, ts)) {
			t.Fatal("times decoded from a column do not encode to one that decodes")
		}
		for i := range ts {
			if again[i] != ts[i] {
				t.Fatalf("time %d = %d after a round trip, want %d", i, again[i], ts[i])
			}
		}
	})
}

// BenchmarkReadRiceTimes decodes the times of a block of 2048 lines about
// 90 ms apart, in nanoseconds.
func BenchmarkReadRiceTimes(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	ts := make([]int64, 2048)
	t := int64(1764000000000000000)
	for i := range ts {
		t += rng.Int64N(180e6)
		ts[i] = t
	}
	col := appendRiceTimes(nil, ts)
	got := make([]int64, len(ts))
	b.SetBytes(int64(len(ts)))
	for b.Loop() {
		if !readRiceTimes(got, col) {
			b.Fatal("does not decode")
		}
	}
}

// riceTimesBitByBit is readRiceTimes without its buffer: every code read
// through bitReader, as the format describes it.
func riceTimesBitByBit(ts []int64, col []byte) bool {
	if len(ts) == 0 {
		return len(col) == 0
	}
	k, t, rest, ok := riceHeader(col)
	if !ok {
		return false
	}
	ts[0] = t
	r := bitReader{b: rest, ok: true}
	for i := 1; i < len(ts); i++ {
		q := r.unary(riceEscape)
		var u uint64
		if q == riceEscape {
			u = r.read(64)
		} else {
			u = uint64(q)<<k | r.read(k)
		}
		t += unzigzag(u)
		ts[i] = t
	}
	return r.ok && len(r.b) == 0 && r.n < 8 && r.acc == 0
}

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
// never panic, and that times decoded encode to a column that decodes to
// them again.
func FuzzRiceTimes(f *testing.F) {
	f.Add(3, appendRiceTimes(nil, []int64{1, 2, 3}))
	f.Add(2, appendRiceTimes(nil, []int64{math.MaxInt64, math.MinInt64}))
	f.Add(4, []byte{63, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, n int, col []byte) {
		if n < 0 || n > 4096 {
			return
		}
		ts := make([]int64, n)
		if !readRiceTimes(ts, col) {
			return
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

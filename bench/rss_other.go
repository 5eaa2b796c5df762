//go:build !unix

package bench

// peakRSS is not measured on this platform.
func peakRSS() int64 { return 0 }

func childPeakRSS(any) int64 { return 0 }

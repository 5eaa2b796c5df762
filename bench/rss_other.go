//go:build !unix

package bench

import "os"

// peakRSS is not measured on this platform.
func peakRSS() int64 { return 0 }

func childPeakRSS(any) int64 { return 0 }

func allocated(fi os.FileInfo) int64 { return fi.Size() }

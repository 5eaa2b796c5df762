//go:build unix

package bench

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS returns the peak resident set size of this process in bytes
// (getrusage ru_maxrss, which Linux reports in KiB and macOS in bytes), or
// 0 if it cannot tell.
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return maxrssBytes(int64(ru.Maxrss))
}

func maxrssBytes(v int64) int64 {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return v
	}
	return v << 10
}

// childPeakRSS returns the peak RSS of a finished child process from its
// SysUsage, or 0.
func childPeakRSS(sysUsage any) int64 {
	if ru, ok := sysUsage.(*syscall.Rusage); ok && ru != nil {
		return maxrssBytes(int64(ru.Maxrss))
	}
	return 0
}

// allocated returns the bytes the file system allocated to a file, as du
// counts them.
func allocated(fi os.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return fi.Size()
}

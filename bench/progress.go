package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A ProgressSample is one look at a load while it runs: how far it got
// and how much memory the loading process held.
type ProgressSample struct {
	Sec   float64 `json:"s"`         // since the load started
	Lines int64   `json:"lines"`     // lines taken in so far
	RSS   int64   `json:"rss_bytes"` // resident set of the process, anonymous and file-backed
}

// progressInterval is how often a load is sampled.
const progressInterval = time.Second

// sampleProgress samples process pid at once and then every
// progressInterval, with lines telling how many lines it has taken in,
// until the returned function is called; that takes a last sample and
// returns them all. Samples whose RSS cannot be read (not
// Linux, or the process is gone) are left out.
func sampleProgress(pid int, lines func() int64) (stop func() []ProgressSample) {
	var (
		mu      sync.Mutex
		samples []ProgressSample
		done    = make(chan struct{})
		wg      sync.WaitGroup
	)
	start := time.Now()
	take := func() {
		rss := procRSS(pid)
		if rss == 0 {
			return
		}
		s := ProgressSample{Sec: time.Since(start).Seconds(), Lines: lines(), RSS: rss}
		mu.Lock()
		samples = append(samples, s)
		mu.Unlock()
	}
	take()
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(progressInterval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				take()
			}
		}
	}()
	return func() []ProgressSample {
		close(done)
		wg.Wait()
		take()
		mu.Lock()
		defer mu.Unlock()
		return samples
	}
}

// linesOf estimates the lines of a file of fileLines lines and fileBytes
// bytes in its first n bytes.
func linesOf(n, fileBytes, fileLines int64) int64 {
	if fileBytes <= 0 {
		return 0
	}
	return int64(float64(n) / float64(fileBytes) * float64(fileLines))
}

// fileOffset returns the offset of process pid in its open file path (the
// bytes of it read so far), or 0 if it cannot be told.
func fileOffset(pid int, path string) int64 {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0
	}
	fdDir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(fdDir)
	if err != nil {
		return 0
	}
	for _, e := range ents {
		if target, err := os.Readlink(filepath.Join(fdDir, e.Name())); err != nil || target != abs {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, e.Name()))
		if err != nil {
			return 0
		}
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "pos:"); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
				return n
			}
		}
	}
	return 0
}

// procRSS returns the resident set (VmRSS) of process pid in bytes, or 0.
func procRSS(pid int) int64 { return procStatus(pid, "VmRSS:") }

// procPeakRSS returns the peak resident set (VmHWM) of process pid in
// bytes, or 0.
func procPeakRSS(pid int) int64 { return procStatus(pid, "VmHWM:") }

// procStatus returns the field of /proc/pid/status that starts with key,
// in kB there, in bytes, or 0.
func procStatus(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

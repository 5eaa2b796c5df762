package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// startProfiles starts the profiles that the environment asks for, for the
// developers measuring logdb (BENCHMARKS.md): LOGDB_CPUPROFILE names a file
// for a CPU profile of the whole process, LOGDB_MEMPROFILE a file that gets
// a heap profile every 10 seconds while the process runs and once more as
// it ends (each replacing the last), which shows what a long command holds
// and what a short one allocated, and LOGDB_BLOCKPROFILE
// a file for a profile of where goroutines waited (channels, locks,
// selects), written as the process ends. The returned function stops them.
func startProfiles(getenv func(string) string) (stop func()) {
	cpu, mem, block := getenv("LOGDB_CPUPROFILE"), getenv("LOGDB_MEMPROFILE"), getenv("LOGDB_BLOCKPROFILE")
	if block != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	}
	var f *os.File
	if cpu != "" {
		var err error
		if f, err = os.Create(cpu); err != nil {
			fmt.Fprintf(os.Stderr, "logdb: LOGDB_CPUPROFILE: %v\n", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(os.Stderr, "logdb: LOGDB_CPUPROFILE: %v\n", err)
			f.Close()
			f = nil
		}
	}
	stopMem := make(chan struct{})
	if mem != "" {
		go func() {
			tick := time.NewTicker(10 * time.Second)
			defer tick.Stop()
			for {
				select {
				case <-stopMem:
					return
				case <-tick.C:
				}
				if err := writeProfile("heap", mem); err != nil {
					fmt.Fprintf(os.Stderr, "logdb: LOGDB_MEMPROFILE: %v\n", err)
					return
				}
			}
		}()
	}
	return func() {
		close(stopMem)
		if mem != "" {
			if err := writeProfile("heap", mem); err != nil {
				fmt.Fprintf(os.Stderr, "logdb: LOGDB_MEMPROFILE: %v\n", err)
			}
		}
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		if block != "" {
			if err := writeProfile("block", block); err != nil {
				fmt.Fprintf(os.Stderr, "logdb: LOGDB_BLOCKPROFILE: %v\n", err)
			}
		}
	}
}

// writeProfile writes the named profile to path through a temporary file,
// so that path always holds a whole profile.
func writeProfile(name, path string) error {
	g, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	err = pprof.Lookup(name).WriteTo(g, 0)
	if cerr := g.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

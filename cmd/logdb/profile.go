package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles starts the profiles that the environment asks for, for the
// developers measuring logdb (BENCHMARKS.md): LOGDB_CPUPROFILE names a file
// for a CPU profile of the whole process, LOGDB_MEMPROFILE a file for a
// heap profile taken as the process ends. The returned function writes them.
func startProfiles(getenv func(string) string) (stop func()) {
	cpu, mem := getenv("LOGDB_CPUPROFILE"), getenv("LOGDB_MEMPROFILE")
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
	return func() {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		if mem == "" {
			return
		}
		runtime.GC()
		g, err := os.Create(mem)
		if err == nil {
			err = pprof.Lookup("allocs").WriteTo(g, 0)
			g.Close()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "logdb: LOGDB_MEMPROFILE: %v\n", err)
		}
	}
}

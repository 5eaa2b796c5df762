package bench

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Machine describes where a benchmark ran.
type Machine struct {
	Cores      int    `json:"cores"`      // runtime.NumCPU
	GOMAXPROCS int    `json:"gomaxprocs"` // the -N suffix of gobench names
	CPU        string `json:"cpu"`        // model name from /proc/cpuinfo
	MemBytes   int64  `json:"mem_bytes"`  // MemTotal from /proc/meminfo
	GoVersion  string `json:"go_version"` // of the toolchain that built logdb
	OS         string `json:"os"`         // GOOS/GOARCH
	Revision   string `json:"revision"`   // VCS revision of the build, if known
}

// machineInfo gathers the Machine of this process. Fields it cannot learn
// (off Linux, or without VCS stamping) stay empty.
func machineInfo() Machine {
	m := Machine{
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS + "/" + runtime.GOARCH,
	}
	m.CPU = procField("/proc/cpuinfo", "model name")
	if kb := procField("/proc/meminfo", "MemTotal"); kb != "" {
		n, _ := strconv.ParseInt(strings.TrimSuffix(kb, " kB"), 10, 64)
		m.MemBytes = n << 10
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = " (modified)"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			m.Revision = rev + dirty
		}
	}
	return m
}

// procField returns the value of the first "name: value" line of a /proc
// file, or "".
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

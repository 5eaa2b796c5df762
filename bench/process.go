package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"time"
)

// timeCLI runs `logdb --dir dir ARGS` o.CLIRuns times after one unmeasured
// run, its output going to /dev/null, and times each whole process: start,
// open, query or read, writing the rows, close, exit.
func timeCLI(ctx context.Context, o *Options, dir string, f *figure) (Timing, error) {
	args := append([]string{"--dir", dir}, f.cli...)
	t := Timing{Name: f.kind + "_" + f.name, Kind: "cli", What: cliLine(f.cli)}
	var samples []time.Duration
	for i := 0; i <= o.CLIRuns; i++ {
		cmd := exec.CommandContext(ctx, o.Exe, args...)
		cmd.Env = append(os.Environ(), o.ChildEnv...)
		var errb bytes.Buffer
		cmd.Stderr = &errb // Stdout nil: /dev/null
		t0 := time.Now()
		err := cmd.Run()
		d := time.Since(t0)
		if err != nil {
			return t, fmt.Errorf("%s: %w: %s", t.What, err, errb.String())
		}
		if i > 0 {
			samples = append(samples, d)
		}
	}
	t.setSamples(samples)
	return t, nil
}

// OpenTiming is the median of several OpenResults.
type OpenTiming struct {
	OpenResult
	Runs int `json:"runs"`
}

// timeOpen runs the open child o.CLIRuns times after one unmeasured run
// and returns the run with the median open+query time.
func timeOpen(ctx context.Context, o *Options, dir, src string) (*OpenTiming, error) {
	var rs []OpenResult
	for i := 0; i <= o.CLIRuns; i++ {
		var r OpenResult
		if _, err := runChild(ctx, o, []string{"bench", childOpen, "--dir", dir, "--query", src}, &r, nil); err != nil {
			return nil, err
		}
		if i > 0 {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].OpenSec+rs[i].QuerySec < rs[j].OpenSec+rs[j].QuerySec })
	return &OpenTiming{OpenResult: rs[(len(rs)-1)/2], Runs: len(rs)}, nil
}

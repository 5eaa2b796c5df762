// Command logdb is the logdb binary: ingest run logs, query and read them.
// Run "logdb help" for the commands.
package main

import (
	"context"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// baseHeapLimit is the soft limit on the Go heap: commands that run
// queries raise it by the memory those may hold (raiseHeapLimit). At 180
// MiB a 100M-line load peaked at 270 MiB resident; at 150 MiB, 242 MiB,
// and it took 492 s instead of 519 (BENCHMARKS.md).
const baseHeapLimit = 150 << 20

func main() {
	// Bleve reports harmless races between its own cleanup goroutines
	// ("got err removing file") on the standard logger; logdb reports its
	// own errors.
	log.SetOutput(io.Discard)
	// A soft limit on the Go heap makes the garbage collector work harder
	// instead of letting the heap double between collections, which keeps
	// a bulk ingest of 100M lines under 256 MiB resident (see BENCHMARKS.md).
	// GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(baseHeapLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	stopProfiles := startProfiles(os.Getenv)
	code := m.Run(ctx, os.Args[1:])
	stopProfiles()
	os.Exit(code)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
)

// smallDisk mounts a tmpfs of size MiB and returns its path, or skips the
// test when this process may not mount (not root, or no tmpfs).
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	if testing.Short() {
		t.Skip("mounts a file system and fills it")
	}
	if os.Geteuid() != 0 {
		t.Skip("filling a disk needs a small tmpfs, and mounting one needs root")
	}
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%dm", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s); the disk-full tests need one", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// ballast fills the disk under dir with a file of mib MiB written (not
// sparse), so that a test decides how much room the store has.
func ballast(t *testing.T, dir string, mib int) string {
	t.Helper()
	name := filepath.Join(dir, "ballast")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	for i := 0; i < mib; i++ {
		if _, err := f.Write(buf); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

// diskFullLines writes n lines that compress as real logs do (some
// repetition, some entropy) to a file and returns its name and lines.
func diskFullLines(t *testing.T, n int) (string, []string) {
	t.Helper()
	r := rand.New(rand.NewSource(1))
	words := []string{"alpha", "beta", "timeout", "connect", "retry", "pod", "volume", "mount", "error", "node"}
	lines := make([]string, n)
	var b strings.Builder
	for i := range lines {
		lines[i] = fmt.Sprintf("2025-03-20T10:%02d:%02dZ INFO line %d %s %s %012x", i/60%60, i%60, i, words[r.Intn(len(words))], words[r.Intn(len(words))], r.Int63n(1<<48))
		b.WriteString(lines[i])
		b.WriteByte('\n')
	}
	name := filepath.Join(t.TempDir(), "in.log")
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return name, lines
}

// checkPrefix asserts that the run's lines are exactly the first n of want.
func checkPrefix(t *testing.T, env []string, job string, n int, want []string) {
	t.Helper()
	r := runBin(t, "", env, "read", "--job", job, "--count", strconv.Itoa(len(want)+1), "-o", "raw")
	if n == 0 {
		if r.code != 1 || !strings.Contains(r.stderr, "run not found") {
			t.Fatalf("read %s: exit %d, %q; want no such run", job, r.code, r.stderr)
		}
		return
	}
	if r.code != 0 {
		t.Fatalf("read %s: exit %d: %s", job, r.code, r.stderr)
	}
	got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(got) != n {
		t.Fatalf("read %s: %d lines, want the %d acknowledged", job, len(got), n)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("read %s: line %d is %q, want %q", job, i+1, got[i], want[i])
		}
	}
}

var storedBefore = regexp.MustCompile(`(\d+) lines are stored and durable`)

// Ensure that a disk that fills during `logdb ingest` stops it with a
// message naming the full disk and how many lines were stored, that exactly
// those lines are there afterwards, that compact and verify say "disk full"
// or pass instead of crashing, and that writes resume by themselves once
// space is freed.
func TestCLI_DiskFull_Ingest(t *testing.T) {
	// 64 MiB of it go to the store's preallocated logs.
	disk := smallDisk(t, 128)
	extra := ballast(t, disk, 44)
	dir := filepath.Join(disk, "data")
	env := []string{"LOGDB_DIR=" + dir}
	in, lines := diskFullLines(t, 1_500_000)

	r := runBin(t, "", env, "--disk-reserve", "16MiB", "ingest", "--job", "a", in)
	if r.code != 1 || !strings.Contains(r.stderr, "disk full") {
		t.Fatalf("ingest on a full disk: exit %d, stderr %q", r.code, r.stderr)
	}
	m := storedBefore.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("ingest does not say how many lines it stored: %q", r.stderr)
	}
	n, _ := strconv.Atoi(m[1])
	if n == 0 || n >= len(lines) {
		t.Fatalf("ingest stored %d of %d lines; the disk should have filled part way", n, len(lines))
	}
	checkPrefix(t, env, "a", n, lines)

	// More writes are refused whole; reads, compact and verify answer.
	if r := runBin(t, "", env, "--disk-reserve", "16MiB", "ingest", "--job", "b", in); r.code != 1 || !strings.Contains(r.stderr, "no line was stored") {
		t.Fatalf("second ingest: exit %d, %q", r.code, r.stderr)
	}
	checkPrefix(t, env, "b", 0, nil)
	if r := runBin(t, "", env, "--disk-reserve", "16MiB", "compact"); r.code == 2 || (r.code != 0 && !strings.Contains(r.stderr, "disk full")) {
		t.Fatalf("compact on a full disk: exit %d, %q", r.code, r.stderr)
	}
	if r := runBin(t, "", env, "--disk-reserve", "16MiB", "verify"); r.code != 0 {
		t.Fatalf("verify after the disk filled: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Space comes back: the same command works again.
	if err := os.Remove(extra); err != nil {
		t.Fatal(err)
	}
	small := strings.Join(lines[:1000], "\n") + "\n"
	if r := runBin(t, small, env, "--disk-reserve", "16MiB", "ingest", "--job", "b", "-"); r.code != 0 {
		t.Fatalf("ingest after space was freed: exit %d, %q", r.code, r.stderr)
	}
	checkPrefix(t, env, "b", 1000, lines)
	checkPrefix(t, env, "a", n, lines)
}

// Ensure that a disk that fills under `logdb serve` while clients append
// gets them a "disk full" error reply, not a dead connection; that the
// server stays up and serves reads; that it takes writes again by itself
// once space is freed; and that every acknowledged line survives kill -9.
func TestCLI_DiskFull_Serve(t *testing.T) {
	// 64 MiB of it go to the store's preallocated logs.
	disk := smallDisk(t, 128)
	extra := ballast(t, disk, 44)
	dir := filepath.Join(disk, "data")
	srv := startServe(t, dir, nil, "--rate", "0", "--disk-reserve", "16MiB")
	ctx := context.Background()

	const writers = 4
	var (
		mu    sync.Mutex
		acked = map[string]int64{}
		full  = map[string]string{}
		wg    sync.WaitGroup
	)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := client.Dial(ctx, srv.addr, nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			job := fmt.Sprintf("w%d", w)
			r := rand.New(rand.NewSource(int64(w)))
			next := int64(1)
			for next < 2_000_000 {
				es := make([]engine.Entry, 500)
				for i := range es {
					es[i] = engine.Entry{Job: job, Time: next + int64(i), Message: serveMessage(job, 0, next+int64(i)) + fmt.Sprintf(" %012x", r.Int63n(1<<48))}
				}
				lines, err := c.Append(ctx, es...)
				if err != nil {
					mu.Lock()
					full[job] = err.Error()
					mu.Unlock()
					return
				}
				next = lines[len(lines)-1] + 1
				mu.Lock()
				acked[job] = lines[len(lines)-1]
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for w := 0; w < writers; w++ {
		job := fmt.Sprintf("w%d", w)
		if !strings.Contains(full[job], "disk full") {
			t.Fatalf("%s stopped with %q, want a disk-full error reply", job, full[job])
		}
		if acked[job] == 0 {
			t.Fatalf("%s: nothing acknowledged before the disk filled", job)
		}
	}

	// Still up: reads answer with every acknowledged line.
	c, err := client.Dial(ctx, srv.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for job, n := range acked {
		p, err := c.Read(ctx, engine.ReadRequest{Job: job, From: n, Count: 1})
		if err != nil || len(p.Entries) != 1 || p.Entries[0].Line != n {
			t.Fatalf("read %s line %d on a full disk: %v", job, n, err)
		}
	}
	big := make([]engine.Entry, 500)
	for i := range big {
		big[i] = engine.Entry{Job: "late", Message: strings.Repeat("x", 200)}
	}
	if _, err := c.Append(ctx, big...); !errors.Is(err, engine.ErrDiskFull) || !strings.Contains(err.Error(), "logdb server: disk full: cannot append 500 lines") {
		t.Fatalf("append on a full disk: %v", err)
	}

	// Space freed: the server takes writes again without a restart.
	if err := os.Remove(extra); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Append(ctx, engine.Entry{Job: "late", Message: "after space was freed"}); err != nil {
		t.Fatalf("append after space was freed: %v", err)
	}
	acked["late"] = 1

	// kill -9, then every acknowledged line is there, exactly.
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	srv.cmd.Wait()
	db, err := engine.Open(dir, &engine.Options{DiskReserve: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for job, n := range acked {
		p, err := db.ReadLines(ctx, engine.ReadRequest{Job: job, Count: int(n) + 1})
		if err != nil {
			t.Fatalf("%s after kill -9: %v", job, err)
		}
		if int64(len(p.Entries)) < n {
			t.Fatalf("%s after kill -9: %d lines, %d were acknowledged", job, len(p.Entries), n)
		}
		for i, e := range p.Entries[:n] {
			if job != "late" && !strings.HasPrefix(e.Message, serveMessage(job, 0, int64(i+1))+" ") {
				t.Fatalf("%s line %d after kill -9 is %q", job, i+1, e.Message)
			}
		}
	}
}

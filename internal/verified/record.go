package verified

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MaxAge is how long a verification is trusted.
const MaxAge = 24 * time.Hour

// A Record lists verified files of one directory, each with its size and
// modification time at the time of its verification. The zero value is an
// empty record that Save cannot write; use Load.
type Record struct {
	path string
	old  map[string]entry
	seen map[string]entry
}

type entry struct {
	size, mtime int64 // bytes, Unix ns
	verified    int64 // Unix s
}

// Load reads the record kept at path. A missing or unreadable record is an
// empty one: everything is verified again.
func Load(path string) *Record {
	r := &Record{path: path, old: map[string]entry{}, seen: map[string]entry{}}
	b, err := os.ReadFile(path)
	if err != nil {
		return r
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 {
			continue
		}
		var e entry
		var err1, err2, err3 error
		e.size, err1 = strconv.ParseInt(f[1], 10, 64)
		e.mtime, err2 = strconv.ParseInt(f[2], 10, 64)
		e.verified, err3 = strconv.ParseInt(f[3], 10, 64)
		if err1 == nil && err2 == nil && err3 == nil {
			r.old[f[0]] = e
		}
	}
	return r
}

// Fresh reports whether the file name (a base name) with info fi was
// verified less than MaxAge ago and has not changed since. A fresh file
// stays in the record.
func (r *Record) Fresh(name string, fi os.FileInfo, now time.Time) bool {
	e, ok := r.old[name]
	if !ok || e.size != fi.Size() || e.mtime != fi.ModTime().UnixNano() || now.Unix()-e.verified >= int64(MaxAge/time.Second) {
		return false
	}
	r.seen[name] = e
	return true
}

// Verified records that the file name with info fi was just verified.
func (r *Record) Verified(name string, fi os.FileInfo, now time.Time) {
	r.seen[name] = entry{size: fi.Size(), mtime: fi.ModTime().UnixNano(), verified: now.Unix()}
}

// Check runs check on the file at path unless it is fresh, and records it
// as verified if check passes. A file that cannot be stat'ed is checked
// (check reports what is wrong with it) and not recorded.
func (r *Record) Check(path string, now time.Time, check func() error) error {
	name := filepath.Base(path)
	fi, err := os.Stat(path)
	if err == nil && r.Fresh(name, fi, now) {
		return nil
	}
	if err := check(); err != nil {
		return err
	}
	if fi != nil {
		r.Verified(name, fi, now)
	}
	return nil
}

// Save writes the record of the files passed to Fresh and Verified since
// Load, replacing the old one (files gone since are dropped). It writes a
// new file and renames it, so the record is always whole; without one,
// the next open verifies everything, which is only slower.
func (r *Record) Save() error {
	names := make([]string, 0, len(r.seen))
	for n := range r.seen {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		e := r.seen[n]
		fmt.Fprintf(&b, "%s %d %d %d\n", n, e.size, e.mtime, e.verified)
	}
	tmp := r.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, r.path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

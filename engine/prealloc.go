package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Why preallocate: Badger creates its write-ahead log (the active
// memtable's .mem file, twice MemTableSize) and its value log (.vlog, twice
// the value log file size) as sparse files and writes them through memory
// maps. A disk that another program fills to its last byte does not fail
// such a write, it kills the process with SIGBUS on the first page that has
// no block yet. So logdb asks the file system for every block of the active
// logs (fallocate) as soon as Badger creates them: after that, writing the
// logs needs no free space. The window left is the few pages Badger writes
// into a new log before the next write notices it (the log's header and
// the write that made it roll over), and the tables Badger writes in the
// background, which the disk reserve covers.

// logReserver preallocates the active write-ahead and value logs of a
// Badger directory.
type logReserver struct {
	dir string

	mu      sync.Mutex
	checked time.Time
	mem     int // fid of the newest .mem allocated; -1 before the first
	vlog    int // fid of the newest .vlog allocated; -1 before the first
}

// reserveCheckInterval bounds how often reserve looks for new logs. Badger
// rolls a log over after MemTableSize (or 16 MiB of blocks) of writes, far
// more than a write admitted in this time.
const reserveCheckInterval = 5 * time.Millisecond

// newLogReserver returns a reserver for dir, whose newest logs are the
// active ones after badger.Open, and allocates them unless the disk is
// full (then the next write tries again).
func newLogReserver(dir string) (*logReserver, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	mem, vlog := -1, -1
	for _, e := range ents {
		name := e.Name()
		if fid, ok := logFid(name, ".mem"); ok {
			mem = max(mem, fid)
		} else if fid, ok := logFid(name, ".vlog"); ok {
			vlog = max(vlog, fid)
		}
	}
	r := &logReserver{dir: dir, mem: max(mem-1, -1), vlog: max(vlog-1, -1)}
	if err := r.reserve(); err != nil && !errors.Is(err, ErrDiskFull) {
		return nil, err
	}
	return r, nil
}

// reserve allocates the logs Badger has created since the last call, at
// most every reserveCheckInterval. It returns an error wrapping
// ErrDiskFull if the file system has no room for a new log, and the write
// that asked must wait: writing into the log could kill the process.
func (r *logReserver) reserve() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) < reserveCheckInterval {
		return nil
	}
	r.checked = time.Now()
	for {
		name := memFileName(r.mem + 1)
		if !exists(filepath.Join(r.dir, name)) {
			break
		}
		if done, err := r.allocate(name); err != nil || !done {
			r.checked = time.Time{} // try again on the next write
			return err
		}
		r.mem++
	}
	for {
		name := vlogFileName(r.vlog + 1)
		if !exists(filepath.Join(r.dir, name)) {
			break
		}
		if done, err := r.allocate(name); err != nil || !done {
			r.checked = time.Time{}
			return err
		}
		r.vlog++
	}
	return nil
}

// allocate asks the file system for every block of the file name in r.dir,
// keeping its size, and reports whether the file is done with. A file
// system without fallocate gets no protection; a file deleted meanwhile (a
// flushed memtable's log) needs none. A file Badger has created but not yet
// sized (it truncates a new log to its length right after creating it) is
// not done: the next write looks at it again.
func (r *logReserver) allocate(name string) (done bool, err error) {
	f, err := os.OpenFile(filepath.Join(r.dir, name), os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	if st.Size() == 0 {
		return false, nil
	}
	for {
		err = unix.Fallocate(int(f.Fd()), unix.FALLOC_FL_KEEP_SIZE, 0, st.Size())
		if err != unix.EINTR {
			break
		}
	}
	switch {
	case err == nil, errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.ENOSYS):
		return true, nil
	case errors.Is(err, unix.ENOSPC), errors.Is(err, unix.EDQUOT):
		return false, fmt.Errorf("%w: no room to allocate %s for %s (%s); free some space (logdb gc deletes expired runs) and writes resume by themselves",
			ErrDiskFull, formatBytes(st.Size()), name, r.dir)
	}
	return false, fmt.Errorf("cannot allocate %s: %w", name, classifyIOError(err))
}

// logFid returns the file number of a Badger log named like 00012.mem or
// 000003.vlog.
func logFid(name, ext string) (int, bool) {
	num, ok := strings.CutSuffix(name, ext)
	if !ok || num == "" {
		return 0, false
	}
	fid, err := strconv.Atoi(num)
	return fid, err == nil && fid >= 0
}

// memFileName and vlogFileName name Badger's logs as Badger does.
func memFileName(fid int) string  { return fmt.Sprintf("%05d.mem", fid) }
func vlogFileName(fid int) string { return fmt.Sprintf("%06d.vlog", fid) }

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

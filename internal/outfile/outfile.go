package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrExists is wrapped by the error of Create and Commit when the file
// already exists and Options.Force is not set.
var ErrExists = errors.New("file exists")

// ErrProtected is wrapped by the error of Create when the file would be
// inside a protected directory.
var ErrProtected = errors.New("inside a protected directory")

// Options tell Create what it may do.
type Options struct {
	// Protect lists directories no file may be created in, at any depth:
	// the store's data directory, whose files an export would destroy.
	Protect []string

	// Force allows replacing an existing file.
	Force bool

	// Mode is the file's permission bits. Default 0644.
	Mode fs.FileMode
}

// File is a file being written. Write to it, then Commit or Abort.
type File struct {
	*os.File
	path string
	opts Options
	done bool
}

// Create checks that path may be written and returns a temporary file in
// its directory to write it through.
func Create(path string, opts Options) (*File, error) {
	if opts.Mode == 0 {
		opts.Mode = 0o644
	}
	if path == "" {
		return nil, errors.New("no file name")
	}
	for _, dir := range opts.Protect {
		if dir == "" {
			continue
		}
		in, err := inside(path, dir)
		if err != nil {
			return nil, err
		}
		if in {
			return nil, fmt.Errorf("will not write %s: %w %s (the store's files would be destroyed)", path, ErrProtected, dir)
		}
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("will not write %s: it is a directory", path)
		}
		if !opts.Force {
			return nil, fmt.Errorf("will not write %s: %w; use --force to overwrite it", path, ErrExists)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return &File{File: tmp, path: path, opts: opts}, nil
}

// Path returns the name the file will have after Commit.
func (f *File) Path() string { return f.path }

// Commit closes the file, syncs it and gives it its name. Without Force
// it fails, wrapping ErrExists, if a file took the name meanwhile, and
// the temporary file is removed.
func (f *File) Commit() error {
	if f.done {
		return errors.New("outfile: Commit after Commit or Abort")
	}
	f.done = true
	tmp := f.File.Name()
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, f.opts.Mode)
	}
	if err == nil {
		if f.opts.Force {
			err = os.Rename(tmp, f.path)
		} else {
			err = link(tmp, f.path)
		}
	}
	if err != nil {
		os.Remove(tmp)
		if errors.Is(err, ErrExists) {
			return fmt.Errorf("will not write %s: %w; use --force to overwrite it", f.path, ErrExists)
		}
		return fmt.Errorf("cannot write %s: %w", f.path, err)
	}
	return nil
}

// link gives tmp the name path unless path exists. A hard link fails if
// the name is taken; a file system without hard links falls back to a
// check before the rename.
func link(tmp, path string) error {
	err := os.Link(tmp, path)
	switch {
	case err == nil:
		return os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		return ErrExists
	}
	if _, serr := os.Lstat(path); serr == nil {
		return ErrExists
	}
	return os.Rename(tmp, path)
}

// Abort removes the temporary file, unless Commit ran. It is safe to
// call after Commit, so that it can be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// inside reports whether path, once made absolute with symbolic links
// resolved, is dir or lies under it.
func inside(path, dir string) (bool, error) {
	d, err := resolve(dir)
	if err != nil {
		return false, err
	}
	p, err := resolve(path)
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(d, p)
	if err != nil {
		return false, nil // on another volume
	}
	return rel == "." || rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)), nil
}

// resolve returns path absolute and clean, with the symbolic links of
// its longest existing prefix resolved (the rest does not exist yet).
func resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	var rest []string
	for p := abs; ; {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		parent := filepath.Dir(p)
		if parent == p {
			return abs, nil
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}

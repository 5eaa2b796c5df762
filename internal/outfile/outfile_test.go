package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Ensure that Create refuses every way of naming a path in a protected
// directory: plain, relative with "..", the directory itself, through a
// symbolic link to it and through a link to a file in it.
func TestCreate_Protected(t *testing.T) {
	root := t.TempDir()
	store := filepath.Join(root, "store")
	if err := os.MkdirAll(filepath.Join(store, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store, "data", "MANIFEST"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(store, filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(store, "data", "MANIFEST"), filepath.Join(root, "m")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(store, "data"))
	for _, p := range []string{
		filepath.Join(store, "data", "MANIFEST"),
		filepath.Join(store, "data", "new.json"),
		filepath.Join(store, "deep", "er", "x"),
		"MANIFEST",
		"../x",
		filepath.Join(root, "alias", "data", "MANIFEST"),
		filepath.Join(root, "alias", "new"),
		filepath.Join(root, "m"),
	} {
		for _, force := range []bool{false, true} {
			f, err := Create(p, Options{Protect: []string{store}, Force: force})
			if !errors.Is(err, ErrProtected) {
				if f != nil {
					f.Abort()
				}
				t.Errorf("Create(%q, force %v) = %v, want ErrProtected", p, force, err)
			}
		}
	}
	if b, _ := os.ReadFile(filepath.Join(store, "data", "MANIFEST")); string(b) != "x" {
		t.Errorf("MANIFEST changed: %q", b)
	}
	// A sibling whose name starts like the store's is not inside it.
	f, err := Create(filepath.Join(root, "store2"), Options{Protect: []string{store}})
	if err != nil {
		t.Fatalf("store2: %v", err)
	}
	f.Abort()
}

// Ensure that an existing file is kept without Force (also when it
// appears between Create and Commit) and replaced with it, and that
// neither leaves a temporary file behind.
func TestCreate_Exists(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	write := func(force bool, text string) error {
		f, err := Create(p, Options{Force: force})
		if err != nil {
			return err
		}
		defer f.Abort()
		f.WriteString(text)
		return f.Commit()
	}
	if err := write(false, "one"); err != nil {
		t.Fatal(err)
	}
	if err := write(false, "two"); !errors.Is(err, ErrExists) {
		t.Fatalf("second write = %v, want ErrExists", err)
	}
	f, err := Create(filepath.Join(dir, "race"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "race"), []byte("theirs"), 0o644)
	if err := f.Commit(); !errors.Is(err, ErrExists) {
		t.Fatalf("Commit over a new file = %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "race")); string(b) != "theirs" {
		t.Errorf("race = %q", b)
	}
	if err := write(true, "three"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "three" {
		t.Errorf("out.csv = %q, want three", b)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("left behind: %v", ents)
	}
	if _, err := Create(dir, Options{Force: true}); err == nil {
		t.Error("Create of a directory succeeded")
	}
}

package repl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// HistoryLimit is the most lines of history kept, in memory (as liner
// does) and in the file.
const HistoryLimit = 1000

// HistoryPath returns where the shell keeps its history:
// $XDG_STATE_HOME/logdb/history, else ~/.local/state/logdb/history (the
// XDG base directory spec's place for history). getenv reads the
// environment.
func HistoryPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "logdb", "history"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("no place for the history: %w", err)
		}
	}
	return filepath.Join(home, ".local", "state", "logdb", "history"), nil
}

// A History is a line history that can be loaded and saved;
// *liner.State is one.
type History interface {
	ReadHistory(r io.Reader) (int, error)
	WriteHistory(w io.Writer) (int, error)
}

// LoadHistory reads the last HistoryLimit lines of the file at path into
// h. A missing file is an empty history.
func LoadHistory(h History, path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read history: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > HistoryLimit {
		lines = lines[len(lines)-HistoryLimit:]
	}
	if _, err := h.ReadHistory(strings.NewReader(strings.Join(lines, "\n") + "\n")); err != nil {
		return fmt.Errorf("cannot read history %s: %w", path, err)
	}
	return nil
}

// SaveHistory writes the last HistoryLimit lines of h to the file at path,
// creating its directory, readable by the user alone (queries may name
// things worth keeping private). It replaces the file whole, so that two
// shells ending at once leave one history, not a mix.
func SaveHistory(h History, path string) error {
	var buf bytes.Buffer
	if _, err := h.WriteHistory(&buf); err != nil {
		return err
	}
	var lines []string
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > HistoryLimit {
		lines = lines[len(lines)-HistoryLimit:]
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("cannot save history: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".history.*")
	if err != nil {
		return fmt.Errorf("cannot save history: %w", err)
	}
	for _, l := range lines {
		fmt.Fprintln(f, l)
	}
	err = f.Close()
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cannot save history: %w", err)
	}
	return nil
}

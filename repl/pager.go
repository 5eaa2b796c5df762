package repl

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"

	"github.com/mattn/go-runewidth"
)

// show writes a finished result. On a terminal, with the pager on, a
// result taller than the screen goes through the Pager command instead
// (like psql); if the pager cannot start, it is written directly.
func (s *Shell) show(b []byte) error {
	if s.pagerOn && s.Pager != "" {
		if h := s.height(); h > 0 && screenRows(b, s.width(), h) >= h {
			if err := s.page(b); err == nil {
				return nil
			}
		}
	}
	_, err := s.out.Write(b)
	return err
}

// page runs the pager with b on its standard input and the shell's output
// as its own, and waits for the user to leave it. Ctrl-C in the pager is
// the pager's business: the command's context is not passed on.
func (s *Shell) page(b []byte) error {
	cmd := exec.Command("/bin/sh", "-c", s.Pager)
	cmd.Stdin = bytes.NewReader(b)
	cmd.Stdout = s.out
	cmd.Stderr = os.Stderr
	// less shows colours with -R; set it for a $PAGER of plain "less".
	cmd.Env = append(os.Environ(), "LESS="+lessFlags())
	return cmd.Run()
}

// lessFlags keeps the user's $LESS and adds R (pass colours through).
func lessFlags() string {
	v := os.Getenv("LESS")
	if v == "" {
		return "R"
	}
	return v + " -R"
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// screenRows counts the rows b takes on a screen width cells wide, up to
// limit.
func screenRows(b []byte, width, limit int) int {
	n := 0
	for len(b) > 0 && n < limit {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		w := runewidth.StringWidth(string(ansi.ReplaceAll(line, nil)))
		if width > 0 && w > width {
			n += (w + width - 1) / width
		} else {
			n++
		}
	}
	return n
}

package repl

import (
	"bufio"
	"io"
	"strings"

	"github.com/peterh/liner"
)

// NewLiner returns a *liner.State on the process's terminal set up for the
// shell: Ctrl-C at the prompt returns liner.ErrPromptAborted (so that it
// clears the line instead of killing the shell), a second Tab lists the
// candidates as readline does, and long lines scroll sideways. Set the
// completer with SetWordCompleter(shell.Complete); Close it to restore the
// terminal.
//
// Between prompts liner leaves the terminal without echo but with signals
// on, so Ctrl-C while a command runs is a SIGINT: pass it on through
// Shell.Interrupt.
func NewLiner() *liner.State {
	l := liner.NewLiner()
	l.SetCtrlCAborts(true)
	l.SetTabCompletionStyle(liner.TabPrints)
	return l
}

// NewLineReader returns a Terminal reading lines from r without prompts
// or history, for scripts: echo 'level=Error | count' | logdb repl.
func NewLineReader(r io.Reader) Terminal {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

type lineReader struct {
	r *bufio.Reader
}

func (l *lineReader) Prompt(string) (string, error) {
	line, err := l.r.ReadString('\n')
	if err == io.EOF && line != "" {
		err = nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), nil
}

func (l *lineReader) AppendHistory(string) {}

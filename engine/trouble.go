package engine

import (
	"errors"
	"log/slog"
	"sync"
)

// trouble logs the failures of a background loop that retries (the seal
// loop, the indexer) once per kind instead of once per try: a full disk
// would otherwise log every tick. It logs again when the error changes and
// once when the loop recovers.
type trouble struct {
	mu   sync.Mutex
	last string // the message of the failure logged last; "" when fine
}

// report records the outcome of one try: err nil is a success.
func (t *trouble) report(l *slog.Logger, what string, err error) {
	key := ""
	switch {
	case errors.Is(err, ErrDiskFull):
		key = "disk full" // its message names the free bytes, which change
	case err != nil:
		key = err.Error()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case key == "" && t.last != "":
		l.Info(what + " recovered")
	case key != "" && key != t.last:
		l.Error(what, "err", err)
	}
	t.last = key
}

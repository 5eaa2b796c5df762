package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// warnHandler prints the store's warnings and errors to a terminal's
// stderr as one line each, "logdb: warning: MESSAGE (key: value, …)", and
// drops the rest: a user reads them, not a log collector.
type warnHandler struct {
	mu *sync.Mutex
	w  io.Writer
}

// warnLogger returns a logger for the engine that prints to w.
func warnLogger(w io.Writer) *slog.Logger {
	return slog.New(warnHandler{mu: new(sync.Mutex), w: w})
}

func (h warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h warnHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	if r.Level >= slog.LevelError {
		b.WriteString("logdb: error: ")
	} else {
		b.WriteString("logdb: warning: ")
	}
	b.WriteString(r.Message)
	sep := " ("
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, "%s%s: %v", sep, a.Key, a.Value)
		sep = ", "
		return true
	})
	if sep == ", " {
		b.WriteString(")")
	}
	b.WriteString("\n")
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h warnHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h warnHandler) WithGroup(string) slog.Handler      { return h }

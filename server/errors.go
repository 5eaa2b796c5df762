package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// Errors returned by Serve and ListenAndServe.
var (
	// ErrServerClosed is returned by Serve and ListenAndServe after
	// Shutdown or Close.
	ErrServerClosed = errors.New("server: closed")

	// ErrInsecureListen is returned by Serve for a listener on an address
	// that is not loopback when Options.AuthToken is empty: anyone who can
	// reach it could read and write every log.
	ErrInsecureListen = errors.New("server: refusing to listen on a non-loopback address without an auth token")
)

// The codes of error replies: the first word after '-', by which clients
// tell errors apart. package client maps them back onto engine's errors.
const (
	codeErr       = "ERR"       // anything else: bad arguments, unknown command
	codeNoAuth    = "NOAUTH"    // AUTH first
	codeWrongPass = "WRONGPASS" // AUTH with a wrong token
	codeRateLimit = "RATELIMIT" // over the per-connection rate; retry after the time given
	codeNotFound  = "NOTFOUND"  // engine.ErrRunNotFound
	codeBadCursor = "BADCURSOR" // engine.ErrBadCursor, or a QUERY cursor that does not parse
	codeFinished  = "FINISHED"  // engine.ErrRunFinished
	codeTooLong   = "TOOLONG"   // engine.ErrLineTooLong, a line over MaxLineBytes
	codeTimeout   = "TIMEOUT"   // the query ran past Options.QueryTimeout
	codeOOM       = "OOM"       // the query needed more than QueryMemory or QueryMemoryTotal, as Redis's maxmemory
	codeShutdown  = "SHUTDOWN"  // the server is shutting down; nothing was done
	codeNoProto   = "NOPROTO"   // HELLO with a protocol other than 2
)

// A replyError is an error reply a command chose: its code and message.
type replyError struct {
	code, msg string
}

func (e *replyError) Error() string { return e.code + " " + e.msg }

// errorf returns an ERR reply.
func errorf(format string, args ...any) error {
	return &replyError{codeErr, fmt.Sprintf(format, args...)}
}

// codeError returns a reply with the given code.
func codeError(code, format string, args ...any) error {
	return &replyError{code, fmt.Sprintf(format, args...)}
}

// errorReply maps an error from a command onto a code and a one-line
// message.
func errorReply(err error) (code, msg string) {
	var re *replyError
	var pe *query.ParseError
	var me *query.MemoryError
	var te *query.TimeoutError
	switch {
	case errors.As(err, &re):
		return re.code, re.msg
	case errors.As(err, &me):
		return codeOOM, me.Error()
	case errors.As(err, &te):
		return codeTimeout, te.Error()
	case errors.As(err, &pe):
		return codeErr, fmt.Sprintf("%d:%d: %s", pe.Pos.Line, pe.Pos.Column, pe.Msg)
	case errors.Is(err, engine.ErrRunNotFound):
		return codeNotFound, trimEngine(err)
	case errors.Is(err, engine.ErrBadCursor):
		return codeBadCursor, trimEngine(err)
	case errors.Is(err, engine.ErrRunFinished):
		return codeFinished, trimEngine(err)
	case errors.Is(err, engine.ErrLineTooLong):
		return codeTooLong, trimEngine(err)
	case errors.Is(err, engine.ErrBadEntry), errors.Is(err, engine.ErrDiskFull),
		errors.Is(err, engine.ErrIO), errors.Is(err, engine.ErrDamaged):
		// "-ERR disk full: …": the write was refused whole, the server
		// stays up and serves reads, and takes writes again by itself
		// once space is freed.
		return codeErr, trimEngine(err)
	case errors.Is(err, engine.ErrClosed):
		return codeShutdown, "the store is closed"
	case errors.Is(err, context.DeadlineExceeded):
		return codeTimeout, "the query took too long (see --query-timeout)"
	}
	return codeErr, err.Error()
}

// trimEngine drops the "engine: " prefix of engine errors, which says
// nothing to a client.
func trimEngine(err error) string {
	return strings.ReplaceAll(err.Error(), "engine: ", "")
}

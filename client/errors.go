package client

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
)

var (
	// ErrProtocol is returned when the server's reply is not valid RESP2,
	// or not of the shape a command expects. The connection is dropped.
	ErrProtocol = errors.New("client: protocol error")

	// ErrClosed is returned by methods of a closed Client or Follower.
	ErrClosed = errors.New("client: closed")

	// ErrRateLimited matches (with errors.Is) an *Error with the code
	// RATELIMIT: the server's per-connection rate limit refused the
	// request, which was not run. The client retries such requests
	// itself (Options.RateLimitRetries) before returning it.
	ErrRateLimited = errors.New("client: rate limited")

	// ErrAuth matches an *Error with the code NOAUTH or WRONGPASS.
	ErrAuth = errors.New("client: authentication failed")

	// ErrUnknownCommand matches an *Error that says the server does not
	// know the command: an older server.
	ErrUnknownCommand = errors.New("client: unknown command")

	// ErrShutdown matches an *Error with the code SHUTDOWN: the server is
	// shutting down and did not run the request.
	ErrShutdown = errors.New("client: server shutting down")
)

// An Error is an error reply from the server: "-CODE message". Besides its
// own sentinels it matches, with errors.Is, the engine errors it stands
// for: engine.ErrRunNotFound (NOTFOUND), engine.ErrBadCursor (BADCURSOR),
// engine.ErrRunFinished (FINISHED) and engine.ErrLineTooLong (TOOLONG),
// and engine.ErrDiskFull, engine.ErrDamaged and ingest.ErrBinary by their
// messages.
type Error struct {
	Code string // ERR, NOAUTH, RATELIMIT, NOTFOUND …
	Msg  string
}

func (e *Error) Error() string {
	if e.Msg == "" {
		return "logdb server: " + e.Code
	}
	// The codes of engine errors add nothing to their messages, which
	// say what happened as the engine's own do.
	switch e.Code {
	case "ERR", "NOTFOUND", "BADCURSOR", "FINISHED", "TOOLONG":
		return "logdb server: " + e.Msg
	}
	return "logdb server: " + e.Code + " " + e.Msg
}

// Is maps codes onto sentinels.
func (e *Error) Is(target error) bool {
	switch target {
	case engine.ErrRunNotFound:
		return e.Code == "NOTFOUND"
	case engine.ErrBadCursor:
		return e.Code == "BADCURSOR"
	case engine.ErrRunFinished:
		return e.Code == "FINISHED"
	case engine.ErrLineTooLong:
		return e.Code == "TOOLONG"
	case ErrRateLimited:
		return e.Code == "RATELIMIT"
	case ErrAuth:
		return e.Code == "NOAUTH" || e.Code == "WRONGPASS"
	case ErrShutdown:
		return e.Code == "SHUTDOWN"
	case ErrUnknownCommand:
		return e.Code == "ERR" && strings.HasPrefix(e.Msg, "unknown command ")
	case ingest.ErrBinary:
		return e.Code == "ERR" && strings.Contains(e.Msg, ingest.ErrBinary.Error())
	case engine.ErrDiskFull:
		return e.Code == "ERR" && strings.HasPrefix(e.Msg, "disk full")
	case engine.ErrDamaged:
		return e.Code == "ERR" && strings.Contains(e.Msg, "damaged")
	}
	return false
}

var retryAfter = regexp.MustCompile(`retry after (\d+) ms`)

// RetryAfter returns how long a RATELIMIT reply asks to wait, or 0.
func (e *Error) RetryAfter() time.Duration {
	m := retryAfter.FindStringSubmatch(e.Msg)
	if m == nil {
		return 0
	}
	ms, _ := strconv.Atoi(m[1])
	return time.Duration(ms) * time.Millisecond
}

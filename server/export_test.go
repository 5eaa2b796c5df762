package server

import "time"

// SetQueryHook sets a function called with the error (nil on success) of
// every QUERY when its rows are read, for tests of cancellation.
func SetQueryHook(f func(error)) { testHookQueryDone = f }

// SetFollowStartHook sets a function called as each follower's goroutine
// starts, for tests of what a late start must not lose.
func SetFollowStartHook(f func()) { testHookFollowStart = f }

// SetAuthClock sets the clock the limit on failed AUTHs reads, for tests
// of its windows that do not wait for them.
func (s *Server) SetAuthClock(now func() time.Time) {
	s.auth.mu.Lock()
	s.auth.mu.now = now
	s.auth.mu.Unlock()
}

package server

// SetQueryHook sets a function called with the error (nil on success) of
// every QUERY when its rows are read, for tests of cancellation.
func SetQueryHook(f func(error)) { testHookQueryDone = f }

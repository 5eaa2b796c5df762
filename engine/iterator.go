package engine

// Iterator walks the results of Query.
//
//	it, err := db.Query(ctx, f, nil)
//	if err != nil { … }
//	defer it.Close()
//	for it.Next() {
//		e := it.Entry()
//		…
//	}
//	if err := it.Err(); err != nil { … }
//
// Next returns false when the results are exhausted or an error occurred
// (including cancellation of the query's context); Err then tells which.
// Close releases resources and may be called at any time, more than once.
// An Iterator is not safe for concurrent use.
type Iterator struct {
	cur Entry
	err error
}

// Next advances to the next entry and reports whether there is one.
func (it *Iterator) Next() bool { return false }

// Entry returns the current entry. It is valid until the next call to Next.
func (it *Iterator) Entry() *Entry { return &it.cur }

// Err returns the error that stopped Next, if any.
func (it *Iterator) Err() error { return it.err }

// Close releases the iterator's resources. It returns Err.
func (it *Iterator) Close() error { return it.err }

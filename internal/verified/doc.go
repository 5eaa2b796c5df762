// Package verified records which immutable files of a store were read
// whole and found intact, so that opening the store again verifies only
// the files that are new, changed or not verified for a while.
//
// Badger's tables and Bleve's segments are never rewritten in place: a
// file with the name, size and modification time it had when it was
// verified has not been written since. What the record cannot see is a bit
// the disk flipped on its own; files are verified again once their last
// verification is older than MaxAge, so that such damage is found within
// that time, and `logdb verify` reads everything whenever asked.
package verified

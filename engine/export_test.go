package engine

import "testing"

// DamageBlock flips a bit in the block of job's attempt 0 that starts at
// line first, for the tests of package engine_test.
func DamageBlock(t *testing.T, db *DB, first int64) {
	t.Helper()
	damageValue(t, db, blockKey(pfxBlock, 1, first))
}

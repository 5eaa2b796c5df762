package query

import (
	"errors"

	"github.com/logdb/logdb/engine"
)

// A damaged store (see engine.DamageError) leaves some lines out of a
// query's input: the engine gives every intact line and then an error
// wrapping engine.ErrDamaged that names the ranges left out. Streaming
// stages pass it on after their rows as they do any error. The stages
// that gather their input first, count and sort, go on with what they
// got and report the damage after their rows too, so that a count and a
// read of the same lines agree: both leave out the damaged lines and say
// which.

// gathered returns what a gathering stage does with its input's error:
// nil and the damage to report after its rows, or err to stop with.
func gathered(err error) (stop, damage error) {
	if errors.Is(err, engine.ErrDamaged) {
		return nil, err
	}
	return err, nil
}

package insert

import (
	"fmt"

	"github.com/logdb/logdb/ship"
)

// errSnappy is the error of a protobuf body that is not snappy's block
// format.
func errSnappy(err error) error {
	return fmt.Errorf("%w: the protobuf body is not snappy-compressed: %v", ship.ErrMalformed, err)
}

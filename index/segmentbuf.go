package index

import zapx "github.com/blevesearch/zapx/v17"

// Bleve sizes the buffer of a new segment as the last segment's bytes per
// document times the batch's documents plus 100. Meant for batches of many
// small documents, that is a hundred times too much for the engine's
// batches of a granule or two: 15 MB for each batch of the shared
// workload, a fifth of a 1M-line load's allocation and up to 60 MB of its
// peak RSS. The estimate without the bump is close.
func init() { zapx.NewSegmentBufferNumResultsBump = 0 }

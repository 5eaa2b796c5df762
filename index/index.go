package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// Internal keys stored in the Bleve index beside the documents.
var (
	keyWatermark = []byte("logdb.watermark")
	keyLayout    = []byte("logdb.layout")
)

// Index is an open block index. It is safe for concurrent use.
type Index struct {
	dir string

	mu     sync.RWMutex // guards bi, closed
	bi     bleve.Index
	closed bool

	mergeMu sync.Mutex // one forced merge at a time: Bleve refuses a second
}

// Open opens the index in dir, creating it if it does not exist. It returns
// an error wrapping ErrVersion if the index was built with another layout;
// Remove it and open again to rebuild.
func Open(dir string) (*Index, error) {
	_, err := os.Stat(filepath.Join(dir, "index_meta.json"))
	switch {
	case err == nil:
		return openExisting(dir, runtimeConfig())
	case errors.Is(err, os.ErrNotExist):
		bi, err := bleve.NewUsing(dir, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, runtimeConfig())
		if err != nil {
			return nil, fmt.Errorf("cannot create index %q: %w", dir, err)
		}
		if err := bi.SetInternal(keyLayout, []byte(layoutVersion)); err != nil {
			bi.Close()
			return nil, fmt.Errorf("cannot create index %q: %w", dir, err)
		}
		return &Index{dir: dir, bi: bi}, nil
	}
	return nil, fmt.Errorf("cannot open index %q: %w", dir, err)
}

// OpenReadOnly opens the existing index in dir for searching only: Bleve
// starts neither its persister nor its merger, and Apply fails. It returns
// an error wrapping os.ErrNotExist if there is no index, and one wrapping
// ErrVersion if the index was built with another layout.
func OpenReadOnly(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return nil, fmt.Errorf("cannot open index %q: %w", dir, err)
	}
	cfg := runtimeConfig()
	cfg["read_only"] = true
	return openExisting(dir, cfg)
}

// openExisting checks and opens the index in dir with Bleve's runtime
// configuration cfg.
func openExisting(dir string, cfg map[string]interface{}) (*Index, error) {
	if err := Check(dir); err != nil {
		return nil, err
	}
	bi, err := openBleve(dir, cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot open index %q: %w", dir, err)
	}
	v, err := bi.GetInternal(keyLayout)
	if err != nil || string(v) != layoutVersion {
		bi.Close()
		return nil, fmt.Errorf("index %q has layout %q, want %q: %w", dir, v, layoutVersion, ErrVersion)
	}
	return &Index{dir: dir, bi: bi}, nil
}

// openBleve opens the Bleve index in dir, turning a panic on a malformed
// file that Check let through into an error.
func openBleve(dir string, cfg map[string]interface{}) (bi bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			bi, err = nil, fmt.Errorf("%w: %v", ErrDamaged, r)
		}
	}()
	return bleve.OpenUsing(dir, cfg)
}

// MaxSegmentDocs bounds the documents in one Bleve segment. Bleve merges
// small segments into bigger ones; without a bound, a growing index is
// merged into one ever bigger segment, and each merge costs time and memory
// in proportion to the whole index: a 10M-line load peaked at 1 GiB and
// slowed to 80k lines/s. A document is a granule of up to 131072 lines (64
// full blocks), so 64 documents are up to 8M lines, about 9 MB of index on
// the shared workload. The merge that makes a segment holds much of it in
// memory: with 128 documents, the merge that settles a 110M-line store
// took the Go heap to 225 MB.
const MaxSegmentDocs = 64

// floorSegmentDocs is the size, in documents, below which Bleve takes all
// segments as equal. The merge planner allows about (index size / floor)
// segments in the first tier: 8 documents, about the engine's batch of 64
// blocks, let a bulk load's batches stand unmerged until there are 50 of
// them. A floor of 64 documents merged a 1M-line index (178 documents)
// into 3 segments and cost 2 s of the load's 12 s of CPU.
const floorSegmentDocs = 8

// runtimeConfig is Bleve's configuration for opening the index.
func runtimeConfig() map[string]interface{} {
	return map[string]interface{}{
		"scorchMergePlanOptions": map[string]interface{}{
			"MaxSegmentsPerTier":   50,
			"MaxSegmentSize":       MaxSegmentDocs,
			"TierGrowth":           10.0,
			"SegmentsPerMergeTask": 10,
			"FloorSegmentSize":     floorSegmentDocs,
			"ReclaimDeletesWeight": 2.0,
		},
	}
}

// Remove deletes the index in dir, which must not be open.
func Remove(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("cannot remove index %q: %w", dir, err)
	}
	return nil
}

// Close closes the index. It is safe to call more than once.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	return ix.bi.Close()
}

// Apply indexes docs (replacing documents with the same ID), deletes the
// documents with the IDs in deletes, and sets the watermark unless it is 0,
// all in one batch. It returns once the batch is durable. Apply may be
// called concurrently: each call builds its segment on its own goroutine.
//
// Bleve panics on some write failures (a full disk); Apply turns that into
// an error wrapping ErrBroken, after which the index must be rebuilt.
func (ix *Index) Apply(docs []Doc, deletes []string, watermark uint64) (err error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: a batch failed: %v", ErrBroken, r)
		}
	}()
	b := ix.bi.NewBatch()
	for i := range docs {
		if err := b.IndexAdvanced(docs[i].bleveDoc()); err != nil {
			return fmt.Errorf("cannot index block %s: %w", docs[i].ID, err)
		}
	}
	for _, id := range deletes {
		b.Delete(id)
	}
	if watermark != 0 {
		b.SetInternal(keyWatermark, sealed(watermark))
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("cannot write index batch: %w", err)
	}
	return nil
}

// Watermark returns the watermark set by the last Apply, or 0.
func (ix *Index) Watermark() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, ErrClosed
	}
	v, err := ix.bi.GetInternal(keyWatermark)
	if err != nil {
		return 0, fmt.Errorf("cannot read index watermark: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	return unseal(v)
}

// DocCount returns the number of documents in the index.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, ErrClosed
	}
	return ix.bi.DocCount()
}

// Segments returns the number of segments the index has on disk.
func (ix *Index) Segments() (int, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, ErrClosed
	}
	m := ix.bi.StatsMap()
	if m == nil {
		return 0, nil
	}
	idx, _ := m["index"].(map[string]interface{})
	n, _ := idx["TotFileSegmentsAtRoot"].(uint64)
	return int(n), nil
}

// Search returns the IDs of the documents matching q, in no particular
// order.
func (ix *Index) Search(ctx context.Context, q Query) ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	n, err := ix.bi.DocCount()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(q.bleveQuery(), int(n), 0, false)
	req.Score = "none"
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index search: %w", err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// TermCounts returns the frequency of term in field for every document that
// holds it, by document ID. For FieldTerms that is the number of the block's
// lines holding the term (see Doc.Lines).
func (ix *Index) TermCounts(ctx context.Context, field, term string) (map[string]uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index term counts: %w", err)
	}
	defer r.Close()
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, true, false, false)
	if err != nil {
		return nil, fmt.Errorf("index term counts: %w", err)
	}
	defer tfr.Close()
	out := map[string]uint64{}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := tfr.Next(nil)
		if err != nil {
			return nil, fmt.Errorf("index term counts: %w", err)
		}
		if d == nil {
			return out, nil
		}
		id, err := r.ExternalID(d.ID)
		if err != nil {
			return nil, fmt.Errorf("index term counts: %w", err)
		}
		out[id] = d.Freq
	}
}

var keyGeneration = []byte("logdb.generation")

// Generation returns the generation set by SetGeneration, or 0.
func (ix *Index) Generation() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, ErrClosed
	}
	v, err := ix.bi.GetInternal(keyGeneration)
	if err != nil || len(v) == 0 {
		return 0, err
	}
	return unseal(v)
}

// SetGeneration records which generation of the source data the index
// reflects. The caller compares it with its own to tell a stale index.
func (ix *Index) SetGeneration(gen uint64) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	return ix.bi.SetInternal(keyGeneration, sealed(gen))
}

// Compact merges the index's segments into one, which makes it smaller and
// searches faster, and then reopens the index so that the files of the old
// segments are removed at once. It takes time in proportion to the index
// size; the index stays usable meanwhile, but for the moment of reopening.
func (ix *Index) Compact(ctx context.Context) error {
	if err := ix.forceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return err
	}
	return ix.reopen()
}

// reopen closes and opens the index again after a forced merge. A forced
// merge returns once queries see the merged segment, but before Bleve has
// persisted it: closing then would leave the segments before the merge as
// the persisted state, so a write that waits until it is persisted (the
// layout key again) comes first. And Bleve deletes the files merged away
// when it opens an index, while a running index deletes them only later,
// in the background, and maybe not before it is closed.
func (ix *Index) reopen() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	if err := ix.bi.SetInternal(keyLayout, []byte(layoutVersion)); err != nil {
		return fmt.Errorf("cannot persist merged index %q: %w", ix.dir, err)
	}
	if err := ix.bi.Close(); err != nil {
		return fmt.Errorf("cannot reopen index %q: %w", ix.dir, err)
	}
	bi, err := bleve.OpenUsing(ix.dir, runtimeConfig())
	if err != nil {
		ix.closed = true
		return fmt.Errorf("cannot reopen index %q: %w", ix.dir, err)
	}
	ix.bi = bi
	return nil
}

// settlePlan is how Settle merges: every segment of fewer than
// MaxSegmentDocs/2 documents, in as few segments as fit under
// MaxSegmentDocs. Segments of a load's batches each repeat the term
// dictionary of the words they share; merged, a 1M-line load's index takes
// 4.9 instead of 7.6 bytes a line.
var settlePlan = mergeplan.MergePlanOptions{
	MaxSegmentsPerTier:   1,
	MaxSegmentSize:       MaxSegmentDocs,
	TierGrowth:           10,
	SegmentsPerMergeTask: 10,
	FloorSegmentSize:     MaxSegmentDocs,
	ReclaimDeletesWeight: 2,
}

// Settle merges the small segments a load leaves (see settlePlan), as
// Compact does all of them; the index answers queries meanwhile.
func (ix *Index) Settle(ctx context.Context) error {
	if err := ix.forceMerge(ctx, &settlePlan); err != nil {
		return err
	}
	return ix.reopen()
}

func (ix *Index) forceMerge(ctx context.Context, plan *mergeplan.MergePlanOptions) error {
	ix.mergeMu.Lock()
	defer ix.mergeMu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, plan); err != nil {
		return fmt.Errorf("cannot merge index segments: %w", err)
	}
	return nil
}

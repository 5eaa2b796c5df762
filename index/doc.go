// Package index is logdb's full-text index of blocks: one Bleve document per
// group of sealed blocks of lines (the engine's granule), holding their
// distinct terms, the levels and label values present, their jobs, the
// blocks' IDs and their time span. A search answers with the IDs of the
// documents that may hold a match; the caller checks every line of their
// blocks exactly. The index is derived data: the engine feeds it, records how
// far it got (the watermark, stored in the same Bleve batch as the
// documents) and can rebuild it from scratch.
//
//	ix, err := index.Open(dir)
//	if err != nil { … }
//	defer ix.Close()
//	err = ix.Apply([]index.Doc{{ID: "b1", Terms: []string{"timeout"}}}, nil, 1)
//	ids, err := ix.Search(ctx, index.Term{Field: index.FieldTerms, Term: "timeout"})
//
// # Basics
//
// Doc is what is indexed for a group of blocks. Query is a tree of Term, Prefix,
// Glob, TimeOverlap, And, Or and All. Apply writes documents, deletions and
// the new watermark in one durable batch.
//
// # Caveats
//
// An Index is safe for concurrent use. Search results are a superset of the
// blocks that match, never a subset, provided the caller builds queries only
// from terms the documents were built with (see package engine's tokens.go).
// The index knows nothing of lines: it never decides a match.
package index

package engine

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// The key space in Badger. Every key starts with a one-byte prefix naming
// its kind; integers are big-endian so that keys sort numerically.
//
//	'S' name                          → store metadata (format version, counters)
//	'J' job 0x00 attempt(4)           → runID(8)              job index, attempts in order
//	'R' runID(8)                      → run record            see run.go
//	'U' runID(8)                      → lastAppend(varint)    present while the run has an unsealed tail
//	'B' runID(8) firstLine(8)         → block                 see block.go
//	'M' runID(8) firstLine(8)         → block summary         see summary.go
//	'C' seq(8)                        → op(1) runID(8) firstLine(8)   change log for the indexer
//	'D' runID(8) firstLine(8)         → lines(uvarint) cause  a block found damaged; see damage.go
//	'F' runID(8) firstLine(8)         → word filter           id-like words of a sealed block; see wordfilter.go
//
// Worked example: job "build", attempt 1 is run 7; its lines 1025…2048 form
// a sealed block, the 1025th line being the first:
//
//	'J' "build" 00 00000001                    → 0000000000000007
//	'B' 0000000000000007 0000000000000401      → block of 1024 lines
//	'M' 0000000000000007 0000000000000401      → its summary
//	'C' 000000000000002a                       → 01 0000000000000007 0000000000000401
//
// The B and M keys of a run sort by first line, so a line-range read seeks
// to the last block starting at or before the wanted line and reads on.
// Unsealed tail chunks use the same B/M keys as sealed blocks; the summary's
// sealed flag tells them apart. Only sealed blocks enter the change log and
// so the full-text index. See FORMAT.md for the value layouts.
const (
	pfxMeta    = 'S'
	pfxJob     = 'J'
	pfxRun     = 'R'
	pfxTail    = 'U'
	pfxBlock   = 'B'
	pfxSummary = 'M'
	pfxChange  = 'C'
	pfxDamage  = 'D'
	pfxFilter  = 'F'
)

// Store metadata names under pfxMeta.
var (
	metaFormat  = metaKey("format")   // format version, a uvarint
	metaNextRun = metaKey("next-run") // next run ID, a uvarint
	metaNextSeq = metaKey("next-seq") // next change-log sequence, a uvarint
	metaID      = metaKey("id")       // random store ID, 8 bytes; cursors carry it
)

// formatVersion is the on-disk format written by this code.
const formatVersion = 1

func metaKey(name string) []byte { return append([]byte{pfxMeta}, name...) }

// jobKey returns 'J' job 0x00 attempt.
func jobKey(job string, attempt int) []byte {
	k := make([]byte, 0, 1+len(job)+1+4)
	k = append(k, pfxJob)
	k = append(k, job...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, uint32(attempt))
}

// jobPrefix returns the prefix of all attempt keys of job.
func jobPrefix(job string) []byte {
	k := make([]byte, 0, 1+len(job)+1)
	k = append(k, pfxJob)
	k = append(k, job...)
	return append(k, 0)
}

// parseJobKey splits a 'J' key.
func parseJobKey(k []byte) (job string, attempt int, ok bool) {
	if len(k) < 6 || k[0] != pfxJob || k[len(k)-5] != 0 {
		return "", 0, false
	}
	return string(k[1 : len(k)-5]), int(binary.BigEndian.Uint32(k[len(k)-4:])), true
}

func runKey(pfx byte, run uint64) []byte {
	k := make([]byte, 9)
	k[0] = pfx
	binary.BigEndian.PutUint64(k[1:], run)
	return k
}

// blockKey returns the B or M key of the block of run starting at first.
func blockKey(pfx byte, run uint64, first int64) []byte {
	k := make([]byte, 17)
	k[0] = pfx
	binary.BigEndian.PutUint64(k[1:], run)
	binary.BigEndian.PutUint64(k[9:], uint64(first))
	return k
}

// parseBlockKey splits a B or M key.
func parseBlockKey(k []byte) (run uint64, first int64, ok bool) {
	if len(k) != 17 {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(k[1:]), int64(binary.BigEndian.Uint64(k[9:])), true
}

func changeKey(seq uint64) []byte {
	k := make([]byte, 9)
	k[0] = pfxChange
	binary.BigEndian.PutUint64(k[1:], seq)
	return k
}

// A blockID names a block: its run and first line.
type blockID struct {
	run   uint64
	first int64
}

// docID is the block's ID in the full-text index: 32 hex digits.
func (b blockID) docID() string {
	var k [16]byte
	binary.BigEndian.PutUint64(k[:], b.run)
	binary.BigEndian.PutUint64(k[8:], uint64(b.first))
	return hex.EncodeToString(k[:])
}

func parseDocID(s string) (blockID, error) {
	var k [16]byte
	if len(s) != 32 {
		return blockID{}, fmt.Errorf("engine: BUG: bad index document ID %q", s)
	}
	if _, err := hex.Decode(k[:], []byte(s)); err != nil {
		return blockID{}, fmt.Errorf("engine: BUG: bad index document ID %q", s)
	}
	return blockID{binary.BigEndian.Uint64(k[:]), int64(binary.BigEndian.Uint64(k[8:]))}, nil
}

// Change-log operations.
const (
	opPut    = 1 // a sealed block was written
	opDelete = 2 // a sealed block was deleted
)

func changeValue(op byte, b blockID) []byte {
	v := make([]byte, 17)
	v[0] = op
	binary.BigEndian.PutUint64(v[1:], b.run)
	binary.BigEndian.PutUint64(v[9:], uint64(b.first))
	return v
}

func parseChangeValue(v []byte) (op byte, b blockID, ok bool) {
	if len(v) != 17 {
		return 0, blockID{}, false
	}
	return v[0], blockID{binary.BigEndian.Uint64(v[1:]), int64(binary.BigEndian.Uint64(v[9:]))}, true
}

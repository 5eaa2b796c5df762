package engine

import (
	"encoding/binary"
	"fmt"
)

// A summary describes a block without its lines. It is stored under the
// block's 'M' key so that scans can prune blocks by time, level and line
// range, and count by level, without reading them:
//
//	summary = version(1) flags(1) count minT maxT levels[NumLevels] bytes seq crc(4)
//
// with count, levels, bytes and seq as uvarints and minT, maxT as varints,
// and crc the CRC-32C of the bytes before it (see block.go). Version 1
// summaries have no crc and are read unchecked.
type summary struct {
	sealed     bool
	count      int
	minT, maxT int64
	levels     [NumLevels]uint32 // lines per level
	bytes      int64             // message bytes plus one newline per line
	seq        uint64            // change-log sequence of the seal; 0 while unsealed
}

// Summary versions: 1 without a checksum (still read), 2 with one.
const (
	summaryVersionNoCRC = 1
	summaryVersion      = 2
)

const flagSealed = 1

func (s *summary) encode() []byte {
	b := make([]byte, 0, 40)
	flags := byte(0)
	if s.sealed {
		flags |= flagSealed
	}
	b = append(b, summaryVersion, flags)
	b = binary.AppendUvarint(b, uint64(s.count))
	b = binary.AppendVarint(b, s.minT)
	b = binary.AppendVarint(b, s.maxT)
	for _, n := range s.levels {
		b = binary.AppendUvarint(b, uint64(n))
	}
	b = binary.AppendUvarint(b, uint64(s.bytes))
	return appendCRC(binary.AppendUvarint(b, s.seq))
}

func decodeSummary(v []byte) (summary, error) {
	var s summary
	if len(v) < 2 || (v[0] != summaryVersion && v[0] != summaryVersionNoCRC) {
		return s, fmt.Errorf("%w: bad summary header", errCorrupt)
	}
	if v[0] == summaryVersion {
		var ok bool
		if v, ok = checkCRC(v); !ok {
			return s, fmt.Errorf("%w: summary checksum mismatch", errCorrupt)
		}
	}
	s.sealed = v[1]&flagSealed != 0
	r := reader{b: v[2:]}
	s.count = int(r.uvarint())
	s.minT = r.varint()
	s.maxT = r.varint()
	for i := range s.levels {
		s.levels[i] = uint32(r.uvarint())
	}
	s.bytes = int64(r.uvarint())
	s.seq = r.uvarint()
	if r.err != nil {
		return s, fmt.Errorf("%w: bad summary", errCorrupt)
	}
	return s, nil
}

// add merges t into s, as if the blocks were one.
func (s *summary) add(t *summary) {
	if s.count == 0 || t.minT < s.minT {
		s.minT = t.minT
	}
	if s.count == 0 || t.maxT > s.maxT {
		s.maxT = t.maxT
	}
	s.count += t.count
	for i := range s.levels {
		s.levels[i] += t.levels[i]
	}
	s.bytes += t.bytes
}

// hasLevel reports whether any line of the block may match lf.
func (s *summary) hasLevel(lf LevelFilter) bool {
	for l := Level(1); int(l) < NumLevels; l++ {
		if s.levels[l] > 0 && lf.Op.cmp(int64(l), int64(lf.Level)) {
			return true
		}
	}
	return false
}

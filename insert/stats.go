package insert

import (
	"sync/atomic"

	"github.com/logdb/logdb/ship"
)

// counters are one protocol's numbers, reported by InfoStats.
type counters struct {
	requests atomic.Int64 // HTTP requests, syslog datagrams and TCP connections
	lines    atomic.Int64 // lines appended
	rejected atomic.Int64 // requests refused, whole or in part (ES items), and syslog messages dropped
	bytes    atomic.Int64 // body bytes read, uncompressed
}

// protoIndex is p's index in ship.Protocols, where its counters are.
func protoIndex(p ship.Protocol) int {
	for i, q := range ship.Protocols {
		if q == p {
			return i
		}
	}
	panic("insert: BUG: unknown protocol " + string(p))
}

func (rc *Receiver) counters(p ship.Protocol) *counters { return &rc.stats[protoIndex(p)] }

// InfoStats reports the counters as INFO's stats lines,
// insert_<protocol>_{requests,lines,rejected,bytes}, and the syslog
// messages that were not syslog and were kept whole
// (insert_syslog_unparsed).
func (rc *Receiver) InfoStats(kv func(key string, value any)) {
	for i, p := range ship.Protocols {
		c := &rc.stats[i]
		kv("insert_"+string(p)+"_requests", c.requests.Load())
		kv("insert_"+string(p)+"_lines", c.lines.Load())
		kv("insert_"+string(p)+"_rejected", c.rejected.Load())
		kv("insert_"+string(p)+"_bytes", c.bytes.Load())
	}
	kv("insert_syslog_unparsed", rc.syslogUnparsed.Load())
}

package engine

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// benchBlock returns a block of 1024 lines of synthetic run-log messages.
func benchBlock(b *testing.B, c *codec) ([]byte, int) {
	// The bench package cannot be imported here (it imports engine), so
	// the messages are a fixed sample shaped like the workload's.
	msgs := []string{
		"GET /api/v1/users/58591 200 799ms 8653B request_id=a5845c95-d449-1d1b-56ec-3f2525632186",
		"processed batch 17 of 412 for tenant-07: 3120 rows written to orders in 1290ms",
		"connected to db-primary.internal:5432 after 61ms (pool size 32, idle 5)",
		"checkpoint saved for partition 10 at offset 4241155339 (lag 1602 messages)",
		"cache hit for key items:17176 (ttl 1560s, 5810 bytes) request_id=eec34c36-7674-cb74-d92e-17f7b068d9db",
		"request 5af28964-8b8a-37a8-0827-5170b63e5924 failed: upstream timeout after 30356ms calling api.internal",
	}
	es := make([]Entry, 1024)
	size := 0
	t0 := time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC).UnixNano()
	for i := range es {
		es[i] = Entry{Time: t0 + int64(i)*86_400_000, Level: Info, Message: msgs[(i*7)%len(msgs)] + " " + string(rune('a'+i%26)),
			Labels: Labels{{Name: "app", Value: "crm"}, {Name: "component", Value: []string{"http", "db", "cache"}[i%3]}, {Name: "env", Value: "prod"}, {Name: "flow", Value: "etl-orders"}}}
		size += len(es[i].Message)
	}
	v, _ := c.encodeBlock(es)
	return v, size
}

func BenchmarkDecodeBlock(b *testing.B) {
	c, err := newCodec()
	if err != nil {
		b.Fatal(err)
	}
	defer c.close()
	v, size := benchBlock(b, c)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := c.decodeBlock(1, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeBlock(b *testing.B) {
	c, err := newCodec()
	if err != nil {
		b.Fatal(err)
	}
	defer c.close()
	v, size := benchBlock(b, c)
	blk, _ := c.decodeBlock(1, v)
	es := make([]Entry, blk.len())
	for i := range es {
		blk.entry(i, &es[i])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.encodeBlock(es)
	}
}

// BenchmarkGranuleTerms measures the terms of a granule's index document
// (the terms, their line counts and the blocks' id-like words) for eight
// blocks whose messages draw their words from a Zipf vocabulary, as the
// shared workload's do: a few thousand distinct terms in 1024 lines.
func BenchmarkGranuleTerms(b *testing.B) {
	c, err := newCodec()
	if err != nil {
		b.Fatal(err)
	}
	defer c.close()
	r := rand.New(rand.NewSource(1))
	zipf := rand.NewZipf(r, 1.1, 2, 50_000)
	es := make([]Entry, 1024)
	size := 0
	for i := range es {
		var m strings.Builder
		for w := 0; w < 12; w++ {
			switch k := zipf.Uint64(); {
			case w%5 == 4:
				fmt.Fprintf(&m, "%dms ", r.Intn(5000))
			case k%17 == 3:
				fmt.Fprintf(&m, "req-%08x ", r.Uint32())
			default:
				fmt.Fprintf(&m, "w%xq ", k)
			}
		}
		es[i] = Entry{Time: int64(i), Level: Info, Message: m.String()}
		size += len(es[i].Message)
	}
	v, _ := c.encodeBlock(es)
	blk, err := c.decodeBlock(1, v)
	if err != nil {
		b.Fatal(err)
	}
	const blocks = 8
	b.SetBytes(blocks * int64(size))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ts := newTermSet()
		line := 0
		for k := 0; k < blocks; k++ {
			for j := 0; j < blk.len(); j++ {
				ts.addMessage(line, blk.msg(j))
				line++
			}
			ts.endBlock()
		}
		ts.split()
	}
}

package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
)

// Ensure that the block encoding is the one FORMAT.md documents.
func TestBlock_Format(t *testing.T) {
	c, err := newCodec()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	v, sum := c.encodeBlock([]Entry{
		{Time: 1000, Level: Info, Message: "ok"},
		{Time: 1005, Level: Error, Message: "boom"},
	})
	want, _ := hex.DecodeString("02" + "00" + "02" + "0e" + "d00f0a" + "0305" + "00" + "0204" + "6f6b626f6f6d" + "5baa1097")
	if !bytes.Equal(v, want) {
		t.Fatalf("block = %x\nwant    %x", v, want)
	}
	if sum.count != 2 || sum.minT != 1000 || sum.maxT != 1005 || sum.levels[Info] != 1 || sum.levels[Error] != 1 || sum.bytes != 8 {
		t.Fatalf("summary = %+v", sum)
	}
	b, err := c.decodeBlock(7, v)
	if err != nil {
		t.Fatal(err)
	}
	var e Entry
	b.entry(1, &e)
	if e.Line != 8 || e.Time != 1005 || e.Level != Error || e.Message != "boom" || e.Labels != nil {
		t.Fatalf("row 1 = %+v", e)
	}
}

// Ensure that a block written before checksums (version 1) still reads,
// and that a flipped bit in a version 2 block fails its checksum instead of
// decoding to other lines.
func TestBlock_Checksum(t *testing.T) {
	c, err := newCodec()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	v1, _ := hex.DecodeString("01" + "00" + "02" + "0e" + "d00f0a" + "0305" + "00" + "0204" + "6f6b626f6f6d")
	b, err := c.decodeBlock(1, v1)
	if err != nil || b.msg(1) != "boom" {
		t.Fatalf("version 1 block: %v", err)
	}
	v, _ := c.encodeBlock([]Entry{{Time: 1, Message: "line 169591"}, {Time: 2, Message: "line 169592"}})
	for bit := 0; bit < len(v)*8; bit++ {
		w := bytes.Clone(v)
		w[bit/8] ^= 1 << (bit % 8)
		if b, err := c.decodeBlock(1, w); err == nil {
			t.Fatalf("bit %d flipped: decoded %q, %q without an error", bit, b.msg(0), b.msg(1))
		}
	}
	s := summary{sealed: true, count: 2, minT: 1, maxT: 2, bytes: 24, seq: 9}
	e := s.encode()
	for bit := 0; bit < len(e)*8; bit++ {
		w := bytes.Clone(e)
		w[bit/8] ^= 1 << (bit % 8)
		if got, err := decodeSummary(w); err == nil {
			t.Fatalf("summary bit %d flipped: decoded %+v without an error", bit, got)
		}
	}
}

// Ensure that blocks with labels and many lines round-trip through zstd.
func TestBlock_RoundTrip(t *testing.T) {
	c, err := newCodec()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	var es []Entry
	for i := 0; i < 500; i++ {
		e := Entry{Time: int64(i * 1000), Level: Level(i % NumLevels), Message: string(bytes.Repeat([]byte{'a' + byte(i%26)}, i%40))}
		if i%3 > 0 {
			e.Labels = Labels{{Name: "app", Value: "x"}, {Name: "env", Value: []string{"prod", "dev"}[i%2]}}
		}
		es = append(es, e)
	}
	v, _ := c.encodeBlock(es)
	if v[1] != codecColumns {
		t.Fatalf("codec = %d, want columns", v[1])
	}
	b, err := c.decodeBlock(1, v)
	if err != nil {
		t.Fatal(err)
	}
	if b.sep != 1 {
		t.Fatal("messages without newlines, yet stored with lengths")
	}
	for i := range es {
		var e Entry
		b.entry(i, &e)
		if e.Time != es[i].Time || e.Level != es[i].Level || e.Message != es[i].Message || len(e.Labels) != len(es[i].Labels) {
			t.Fatalf("row %d = %+v, want %+v", i, e, es[i])
		}
		for j := range e.Labels {
			if e.Labels[j] != es[i].Labels[j] {
				t.Fatalf("row %d labels = %v, want %v", i, e.Labels, es[i].Labels)
			}
		}
	}
}

// FuzzDecodeBlock feeds arbitrary bytes to the block decoder: it must return
// an error or a block whose rows can all be read, never panic.
func FuzzDecodeBlock(f *testing.F) {
	c, err := newCodec()
	if err != nil {
		f.Fatal(err)
	}
	v, _ := c.encodeBlock([]Entry{{Time: 1, Level: Info, Message: "hello", Labels: Labels{{Name: "a", Value: "b"}}}, {Time: 2, Message: "x"}})
	f.Add(v)
	v, _ = c.encodeBlock([]Entry{{Time: 5, Message: string(bytes.Repeat([]byte("abc "), 100))}})
	f.Add(v)
	// A small block with label kinds, stored a column at a time; version 1
	// so that changes reach the kinds.
	v, _ = c.encodeBlock([]Entry{{Time: 1, Message: "k", Labels: Labels{{Name: "n", Value: "3", Kind: LabelNumber}, {Name: "ok", Value: "true", Kind: LabelBool}, {Name: "s", Value: "3"}}}})
	v[0] = blockVersionNoCRC
	f.Add(v[:len(v)-4])
	f.Add([]byte{1, 0, 0, 0})
	// A block stored a column at a time, as version 1 (no checksum) so
	// that the fuzzer's changes reach the columns.
	var es []Entry
	for i := range 200 {
		es = append(es, Entry{Time: int64(i) << 20, Level: Level(i % NumLevels), Message: fmt.Sprintf("GET /x/%d in %dms", i, i%70)})
	}
	v, _ = c.encodeBlock(es)
	v[0] = blockVersionNoCRC
	f.Add(v[:len(v)-4])
	f.Fuzz(func(t *testing.T, v []byte) {
		b, err := c.decodeBlock(1, v)
		if err != nil {
			return
		}
		for i := 0; i < b.len(); i++ {
			var e Entry
			b.entry(i, &e)
		}
	})
}

// FuzzDecodeSummary does the same for block summaries, run records and
// word filters.
func FuzzDecodeSummary(f *testing.F) {
	s := summary{sealed: true, count: 3, minT: -5, maxT: 9, bytes: 12, seq: 4}
	f.Add(s.encode())
	r := runRecord{job: "j", attempt: 2, lines: 10}
	f.Add(r.encode())
	f.Add(buildWordFilter(7, []uint64{1, 2, 3}))
	f.Fuzz(func(t *testing.T, v []byte) {
		_, _ = decodeSummary(v)
		_, _ = decodeRunRecord(v)
		if wf, err := decodeWordFilter(v); err == nil {
			wf.mayHold([]uint64{0, 1 << 63})
		}
	})
}

// Ensure that blocks of one zstd frame (small ones, and all written
// before columns were compressed apart) decode to the lines they hold.
func TestBlock_OneFrameCodec(t *testing.T) {
	c, err := newCodec()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	var es []Entry
	for i := 0; i < 300; i++ {
		es = append(es, Entry{Time: int64(i) * 7e6, Level: Level(i % NumLevels), Message: fmt.Sprintf("GET /api/%d 200 in %dms", i*37, i%90),
			Labels: Labels{{Name: "component", Value: []string{"http", "queue", "db"}[i%3]}}})
	}
	old := []byte{blockVersion, codecZstd}
	old = binary.AppendUvarint(old, uint64(len(es)))
	p := oneFramePayload(es)
	old = binary.AppendUvarint(old, uint64(len(p)))
	old = appendCRC(c.enc.EncodeAll(p, old))
	ob, err := c.decodeBlock(1, old)
	if err != nil {
		t.Fatal(err)
	}
	for i := range es {
		var e Entry
		ob.entry(i, &e)
		if e.Time != es[i].Time || e.Level != es[i].Level || e.Message != es[i].Message || e.Labels[0] != es[i].Labels[0] {
			t.Fatalf("row %d of the one-frame block = %+v, want %+v", i, e, es[i])
		}
	}
}

// Ensure that label kinds round-trip through a block, a small one too
// (stored a column at a time for them), that sets differing only in a
// kind stay apart, and that blocks of codecs 0 and 1 read every label as a
// string: their name lengths are not shifted, whatever their low bits.
func TestBlock_LabelKinds(t *testing.T) {
	c, err := newCodec()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	typed := Labels{{Name: "f", Value: "1.50e3", Kind: LabelNumber}, {Name: "n", Value: "3", Kind: LabelNumber},
		{Name: "ok", Value: "true", Kind: LabelBool}, {Name: "s", Value: "3"}}
	text := Labels{{Name: "f", Value: "1.50e3"}, {Name: "n", Value: "3"}, {Name: "ok", Value: "true"}, {Name: "s", Value: "3"}}
	es := []Entry{{Time: 1, Message: "a", Labels: typed}, {Time: 2, Message: "b", Labels: text}, {Time: 3, Message: "c", Labels: typed}}
	v, _ := c.encodeBlock(es)
	if v[1] != codecColumns {
		t.Fatalf("codec = %d, want columns for label kinds", v[1])
	}
	b, err := c.decodeBlock(1, v)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.sets) != 2 {
		t.Errorf("%d label sets, want 2: %v", len(b.sets), b.sets)
	}
	for i := range es {
		var e Entry
		b.entry(i, &e)
		if !slices.Equal(e.Labels, es[i].Labels) {
			t.Errorf("row %d labels = %+v, want %+v", i, e.Labels, es[i].Labels)
		}
	}
	// Without kinds a small block is still one frame.
	if v, _ := c.encodeBlock(es[1:2]); v[1] == codecColumns {
		t.Errorf("a small block of string labels is stored a column at a time")
	}

	// Old blocks: names of 1, 2, 3 and 9 bytes.
	old := []Entry{{Time: 1, Message: "x", Labels: Labels{{Name: "n", Value: "3"}, {Name: "ok", Value: "true"}, {Name: "app", Value: "y"}, {Name: "component", Value: "db"}}}}
	p := oneFramePayload(old)
	for _, codec := range []byte{codecRaw, codecZstd} {
		v := []byte{blockVersion, codec}
		v = binary.AppendUvarint(v, uint64(len(old)))
		v = binary.AppendUvarint(v, uint64(len(p)))
		if codec == codecRaw {
			v = append(v, p...)
		} else {
			v = c.enc.EncodeAll(p, v)
		}
		b, err := c.decodeBlock(1, appendCRC(v))
		if err != nil {
			t.Fatalf("codec %d: %v", codec, err)
		}
		var e Entry
		b.entry(0, &e)
		if !slices.Equal(e.Labels, old[0].Labels) {
			t.Errorf("codec %d: labels = %+v, want %+v", codec, e.Labels, old[0].Labels)
		}
	}
}

// oneFramePayload encodes es as FORMAT.md gives the payload of a block of
// one frame: varint time deltas, levels, label sets in the order first
// seen with a set index, message lengths, messages.
func oneFramePayload(es []Entry) []byte {
	var p []byte
	prev := int64(0)
	for _, e := range es {
		p = binary.AppendVarint(p, e.Time-prev)
		prev = e.Time
	}
	for _, e := range es {
		p = append(p, byte(e.Level))
	}
	ids := map[string]int{}
	var sets []string
	for _, e := range es {
		k := string(appendLabels(nil, e.Labels, false))
		if _, ok := ids[k]; !ok {
			ids[k] = len(sets)
			sets = append(sets, k)
		}
	}
	p = binary.AppendUvarint(p, uint64(len(sets)))
	for _, k := range sets {
		p = append(p, k...)
	}
	if len(sets) > 1 {
		for _, e := range es {
			p = binary.AppendUvarint(p, uint64(ids[string(appendLabels(nil, e.Labels, false))]))
		}
	}
	for _, e := range es {
		p = binary.AppendUvarint(p, uint64(len(e.Message)))
	}
	for _, e := range es {
		p = append(p, e.Message...)
	}
	return p
}

// Ensure that a block stored a column at a time keeps its messages'
// lengths when one holds a newline, and ends them with newlines otherwise.
func TestBlock_NewlineInMessage(t *testing.T) {
	c, err := newCodec()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	for _, nl := range []bool{false, true} {
		var es []Entry
		for i := 0; i < 300; i++ {
			es = append(es, Entry{Time: int64(i) * 7e6, Message: fmt.Sprintf("line %d of a run", i)})
		}
		if nl {
			es[150].Message = "panic: boom\ngoroutine 1 [running]:"
		}
		v, _ := c.encodeBlock(es)
		b, err := c.decodeBlock(1, v)
		if err != nil {
			t.Fatal(err)
		}
		if v[1] != codecColumns || (b.sep == 1) == nl {
			t.Errorf("newline in a message %v: codec %d, messages newline-terminated %v", nl, v[1], b.sep == 1)
		}
		for i := range es {
			if got := b.msg(i); got != es[i].Message {
				t.Fatalf("newline in a message %v: message %d = %q, want %q", nl, i, got, es[i].Message)
			}
		}
	}
}

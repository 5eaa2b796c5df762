package ingest

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/logdb/logdb/engine"
)

// messages returns the messages (or "ERR") of rs.
func messages(rs []result) []string {
	var out []string
	for _, r := range rs {
		if r.err != nil {
			out = append(out, "ERR")
			continue
		}
		out = append(out, r.e.Message)
	}
	return out
}

// Ensure that text mode splits lines exactly like sed: "\n" ends a line,
// one "\r" before it is dropped, other "\r" stay, a last line without "\n"
// counts and empty lines are entries.
func TestReadText_Lines(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a\n", []string{"a"}},
		{"\n", []string{""}},
		{"\n\n", []string{"", ""}},
		{"a\r\nb\r\n", []string{"a", "b"}},
		{"a\r\r\n", []string{"a\r"}},
		{"progress 10%\rprogress 100%\r\ndone", []string{"progress 10%\rprogress 100%", "done"}},
		{"\r", []string{""}},
		{"a\rb", []string{"a\rb"}},
		{" \t \n\x1b[31mred\x1b[0m\n", []string{" \t ", "\x1b[31mred\x1b[0m"}},
		{"nul\x00byte\xff\n", []string{"nul\x00byte\xff"}},
	}
	for _, tt := range tests {
		rs := readAll(t, tt.in, testOptions(FormatText))
		got := messages(rs)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
		for i, r := range rs {
			if r.e.Line != int64(i+1) || r.e.Job != "optjob" || r.e.Attempt != 2 {
				t.Errorf("%q: entry %d has line %d, run %q/%d", tt.in, i, r.e.Line, r.e.Job, r.e.Attempt)
			}
		}
	}
}

// Ensure that a line longer than the buffer is gathered whole and one over
// MaxLineBytes is rejected with its line number while the next lines are
// read as usual.
func TestRead_LongLines(t *testing.T) {
	big := strings.Repeat("b", bufferSize*3+17)
	opts := testOptions(FormatText)
	opts.MaxLineBytes = len(big)
	in := "a\n" + big + "\r\n" + big + "c\nd"
	rs := readAll(t, in, opts)
	if len(rs) != 4 || rs[0].e.Message != "a" || rs[1].e.Message != big || rs[3].e.Message != "d" || rs[3].e.Line != 4 {
		t.Fatalf("got %d results: %q", len(rs), messages(rs))
	}
	var le *LineError
	if !errors.As(rs[2].err, &le) || !errors.Is(le, ErrLineTooLong) || le.Line != 3 {
		t.Fatalf("line 3: got %v, want a *LineError wrapping ErrLineTooLong", rs[2].err)
	}
	if want := "t.log:3: line too long: longer than"; !strings.HasPrefix(le.Error(), want) {
		t.Errorf("error %q, want prefix %q", le, want)
	}

	// Limits below the buffer size, at every format, and at the very end.
	for _, f := range []Format{FormatText, FormatJSON, FormatLogfmt, FormatAuto} {
		opts := testOptions(f)
		opts.MaxLineBytes = 8
		rs := readAll(t, "{\"m\":1}\r\n{\"m\": 12}\n{\"m\":3}\n{\"m\":4444", opts)
		if len(rs) != 4 || rs[0].err != nil || !errors.Is(rs[1].err, ErrLineTooLong) ||
			rs[2].err != nil || !errors.Is(rs[3].err, ErrLineTooLong) {
			t.Errorf("%s: got %+v", f, rs)
		}
	}
}

// endless yields n bytes of 'x' and then "\nafter\n", without holding them.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return copy(p, "\nafter\n"), io.EOF
	}
	k := int64(len(p))
	if k > e.n {
		k = e.n
	}
	for i := range p[:k] {
		p[i] = 'x'
	}
	e.n -= k
	return int(k), nil
}

// Ensure that a 1 GB line is skipped without being held in memory.
func TestRead_HugeLineMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1 GB")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := NewReader(&endless{n: 1 << 30}, "huge.log", testOptions(FormatText))
	_, err := r.Read()
	if !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("got %v, want ErrLineTooLong", err)
	}
	e, err := r.Read()
	if err != nil || e.Message != "after" || e.Line != 2 {
		t.Fatalf("got %+v, %v; want line 2 \"after\"", e, err)
	}
	runtime.ReadMemStats(&after)
	// Gathering up to the limit costs a few growing buffers; the point
	// is that the cost does not depend on the length of the line.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8*DefaultMaxLineBytes {
		t.Errorf("reading a 1 GB line allocated %d MiB", grew>>20)
	}
}

// Ensure that an I/O error is fatal, wrapped with the name and sticky,
// while the lines before it are delivered.
func TestRead_IOError(t *testing.T) {
	boom := errors.New("boom")
	in := io.MultiReader(strings.NewReader("a\nb\n"), iotest.ErrReader(boom))
	r := NewReader(in, "x.log", testOptions(FormatText))
	for _, want := range []string{"a", "b"} {
		if e, err := r.Read(); err != nil || e.Message != want {
			t.Fatalf("got %q, %v; want %q", e.Message, err, want)
		}
	}
	for range 2 {
		_, err := r.Read()
		var le *LineError
		if !errors.Is(err, boom) || errors.As(err, &le) || err.Error() != "cannot read x.log: boom" {
			t.Fatalf("got %v, want a fatal error wrapping boom", err)
		}
	}
}

// Ensure that bad options are reported by Validate and by the first Read.
func TestOptions_Validate(t *testing.T) {
	bad := []Options{
		{Format: "xml"},
		{Attempt: -1},
		{MaxLineBytes: -1},
		{Job: "a\x00b"},
	}
	for _, o := range bad {
		if err := o.Validate(); !errors.Is(err, ErrBadOptions) {
			t.Errorf("%+v: Validate() = %v, want ErrBadOptions", o, err)
		}
		if _, err := NewReader(strings.NewReader("x\n"), "-", o).Read(); !errors.Is(err, ErrBadOptions) {
			t.Errorf("%+v: Read() = %v, want ErrBadOptions", o, err)
		}
	}
	if err := (Options{Format: "JSON"}).Validate(); err != nil {
		t.Errorf("upper-case format: %v", err)
	}
	for _, s := range []string{"", "auto", "json", "logfmt", "text", "Text"} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("ParseFormat(%q) = %v", s, err)
		}
	}
}

// Ensure that the defaults apply: auto format, 4 MiB lines, time.Now.
func TestOptions_Defaults(t *testing.T) {
	before := time.Now()
	r := NewReader(strings.NewReader("hello\n"), "-", Options{})
	e, err := r.Read()
	if err != nil || r.Format() != FormatText || e.Message != "hello" || e.Level != engine.NoLevel {
		t.Fatalf("got %+v, %v, format %q", e, err, r.Format())
	}
	if e.Time < before.UnixNano() || e.Time > time.Now().UnixNano() {
		t.Errorf("time %v is not the ingest time", e.Timestamp())
	}
	if r.opts.MaxLineBytes != DefaultMaxLineBytes || r.opts.Location != time.Local {
		t.Errorf("defaults: %+v", r.opts)
	}
}

// Ensure that auto picks the format from the first non-blank line and still
// delivers the blank lines before it as text entries when it picks text.
func TestRead_Auto(t *testing.T) {
	tests := []struct {
		in     string
		format Format
		want   []string
	}{
		{"", FormatText, nil},
		{"\n \n", FormatText, []string{"", " "}},
		{"\n{\"msg\":\"a\"}\nnot json\n", FormatJSON, []string{"a", "ERR"}},
		{"\xef\xbb\xbf  {\"msg\":\"a\"}", FormatJSON, []string{"a"}},
		{"\n\nlevel=info msg=a\nmsg=b\n", FormatLogfmt, []string{"a", "b"}},
		{"time=\"2024-01-02T03:04:05Z\" msg=\"a b\"", FormatLogfmt, []string{"a b"}},
		{"\nPATH=/usr/bin\nx\n", FormatText, []string{"", "PATH=/usr/bin", "x"}},
		{"key=value but then prose\n", FormatText, []string{"key=value but then prose"}},
		{"a=1 b=\"unterminated\n", FormatText, []string{"a=1 b=\"unterminated"}},
		{"=1 a=2\n", FormatText, []string{"=1 a=2"}},
		{"Started by timer\n{\"a\":1}\n", FormatText, []string{"Started by timer", `{"a":1}`}},
		{"2024-01-02T03:04:05Z x=1 y=2\n", FormatText, []string{"2024-01-02T03:04:05Z x=1 y=2"}},
	}
	for _, tt := range tests {
		r := NewReader(strings.NewReader(tt.in), "t.log", testOptions(FormatAuto))
		var got []string
		for {
			e, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				got = append(got, "ERR")
				continue
			}
			got = append(got, e.Message)
		}
		if r.Format() != tt.format || strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("%q: got %s %q, want %s %q", tt.in, r.Format(), got, tt.format, tt.want)
		}
	}

	// More blank lines than are held back: text.
	in := strings.Repeat("\n", maxPending+5) + `{"msg":"a"}`
	r := NewReader(strings.NewReader(in), "t.log", testOptions(FormatAuto))
	n := 0
	for {
		if _, err := r.Read(); err != nil {
			break
		}
		n++
	}
	if r.Format() != FormatText || n != maxPending+6 {
		t.Errorf("after %d blank lines: format %s, %d entries", maxPending+5, r.Format(), n)
	}
}

// Ensure that entries own their strings: they survive later reads.
func TestRead_EntriesOutliveReads(t *testing.T) {
	var in bytes.Buffer
	for i := range 5000 {
		in.WriteString(strings.Repeat(string(rune('a'+i%26)), i%300))
		in.WriteByte('\n')
	}
	src := in.String()
	for _, f := range []Format{FormatText, FormatJSON} {
		data := src
		if f == FormatJSON {
			var b strings.Builder
			for _, l := range strings.Split(strings.TrimSuffix(src, "\n"), "\n") {
				b.WriteString(`{"msg":"` + l + `","k":"` + l + "\"}\n")
			}
			data = b.String()
		}
		rs := readAll(t, data, testOptions(f))
		for i, r := range rs {
			want := strings.Repeat(string(rune('a'+i%26)), i%300)
			if f == FormatJSON && i%300 == 0 {
				continue // blank lines are not entries in json; skip the check
			}
			if r.err != nil || (f == FormatText && r.e.Message != want) {
				t.Fatalf("%s line %d: %q, %v", f, i+1, r.e.Message, r.err)
			}
		}
		if f == FormatJSON {
			for _, r := range rs {
				if v, _ := r.e.Labels.Get("k"); v != r.e.Message {
					t.Fatalf("label %q != message %q", v, r.e.Message)
				}
			}
		}
	}
}

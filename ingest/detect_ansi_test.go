package ingest

import "testing"

// Ensure that stripANSI removes colour codes and other escapes and keeps
// everything else.
func TestStripANSI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[\x1b[1;31mERROR\x1b[m] Failed", "[ERROR] Failed"},
		{"\x1b[36;1mecho hi\x1b[0m", "echo hi"},
		{"\x1b]0;title\x07after", "after"},
		{"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"a\x1b(Bb", "ab"},
		{"plain", "plain"},
		{"trailing\x1b", "trailing"},
		{"\x1b[", ""},
		{"\x1b[12", ""},
	}
	for _, tt := range tests {
		if got := string(stripANSI(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("stripANSI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

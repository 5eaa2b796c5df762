package ingest

import "testing"

// Ensure that findApacheTime finds the common-log time in the first 100
// bytes and nowhere else.
func TestFindApacheTime(t *testing.T) {
	long := "x.example.com - - " + string(make([]byte, 100))
	tests := []struct {
		in   string
		ok   bool
		want civil
	}{
		{`83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 203023`, true,
			zoned(civilOf(2015, 5, 17, 10, 5, 3, 0), 0)},
		{`::1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`, true,
			zoned(civilOf(2000, 10, 10, 13, 55, 36, 0), -7*3600)},
		{`[x] [y] 1.2.3.4 - - [01/Jan/2020:00:00:00 +0100] "GET /"`, true,
			zoned(civilOf(2020, 1, 1, 0, 0, 0, 0), 3600)},
		{long + `[17/May/2015:10:05:03 +0000]`, false, civil{}},
		{`1.2.3.4 - - [17/Foo/2015:10:05:03 +0000]`, false, civil{}},
		{`1.2.3.4 - - [31/Apr/2015:10:05:03 +0000]`, false, civil{}},
		{`1.2.3.4 - - [17/May/2015:10:05:03]`, false, civil{}},
		{`[INFO] Building jar`, false, civil{}},
	}
	for _, tt := range tests {
		var c civil
		ok := findApacheTime([]byte(tt.in), &c)
		if ok != tt.ok || (ok && c != tt.want) {
			t.Errorf("findApacheTime(%q) = %v, %+v; want %v, %+v", tt.in, ok, c, tt.ok, tt.want)
		}
	}
}

package engine

import "testing"

// Ensure that value-log files grow with the free space, from 16 MiB on a
// small disk to 128 MiB, never more than 1/256 of it.
func TestValueLogFileSize(t *testing.T) {
	for _, c := range []struct{ free, want int64 }{
		{0, 16 << 20},
		{128 << 20, 16 << 20}, // the disk-full tests' tmpfs
		{8<<30 - 1, 16 << 20},
		{8 << 30, 32 << 20}, // 32 MiB is 1/256
		{16 << 30, 64 << 20},
		{32 << 30, maxValueLogFile},
		{1 << 50, maxValueLogFile},
	} {
		if got := valueLogFileSize(c.free); got != c.want {
			t.Errorf("valueLogFileSize(%d) = %d, want %d", c.free, got, c.want)
		}
	}
}

//go:build !linux

package engine

// fileResident is not measured on this platform; the kernel manages the
// mapped pages alone.
func fileResident() int64 { return 0 }

func releaseMapped(string) {}

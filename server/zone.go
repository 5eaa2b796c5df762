package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/logdb/logdb/query"
)

// LocalZone names time.Local so that query.ParseZone reads it back, for
// telling a client in another place which zone times were read in: $TZ,
// else the zone /etc/localtime links to, else the current UTC offset.
func LocalZone() string {
	if tz := strings.TrimPrefix(os.Getenv("TZ"), ":"); tz != "" {
		if _, err := query.ParseZone(tz); err == nil {
			return tz
		}
	}
	if target, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
			if _, err := query.ParseZone(name); err == nil {
				return name
			}
		}
	}
	_, off := time.Now().Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off%3600/60)
}

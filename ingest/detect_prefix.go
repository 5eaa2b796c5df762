package ingest

import "bytes"

// fileNamePrefix returns the length of a file name and the blank after it
// that a collector put before each line, as in OpenStack's
// "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO
// …", or 0. The name must contain ".log" and a digit must follow it.
func fileNamePrefix(b []byte) int {
	sp := bytes.IndexByte(b[:min(len(b), 128)], ' ')
	if sp < 5 || sp+1 >= len(b) || !isDigit(b[sp+1]) || !bytes.Contains(b[:sp], []byte(".log")) {
		return 0
	}
	return sp + 1
}

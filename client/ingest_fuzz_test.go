package client

import (
	"bufio"
	"strings"
	"testing"
)

// FuzzIngestReport feeds arbitrary replies to the reader of INGEST.END's
// report: it must never panic, whatever the server sends.
func FuzzIngestReport(f *testing.F) {
	for _, s := range []string{
		"*26\r\n$4\r\nname\r\n$5\r\na.log\r\n$6\r\nformat\r\n$4\r\ntext\r\n$5\r\nlines\r\n:2\r\n$9\r\nwith_time\r\n:1\r\n" +
			"$10\r\nwith_level\r\n:1\r\n$9\r\ncontinued\r\n:0\r\n$7\r\nlayouts\r\n*2\r\n$3\r\niso\r\n:1\r\n$6\r\nstored\r\n:2\r\n" +
			"$4\r\nruns\r\n*2\r\n$1\r\na\r\n:0\r\n$8\r\nrejected\r\n:0\r\n$14\r\nrejected_lines\r\n*0\r\n$5\r\nbytes\r\n:9\r\n$5\r\nerror\r\n$-1\r\n",
		"*4\r\n$6\r\nstored\r\n:1\r\n$5\r\nerror\r\n-FINISHED run finished: a#0\r\n",
		"*3\r\n$4\r\nruns\r\n*1\r\n$1\r\na\r\n", "*2\r\n$7\r\nlayouts\r\n*3\r\n:1\r\n:2\r\n:3\r\n", "+OK\r\n", "*-1\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		v, err := readReply(bufio.NewReader(strings.NewReader(reply)))
		if err != nil {
			return
		}
		rep, _, err := ingestReport(v)
		if err == nil && rep == nil {
			t.Fatalf("%q: no report and no error", reply)
		}
	})
}

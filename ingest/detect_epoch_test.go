package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that epoch seconds and milliseconds at the start of a line, or
// after BGL's and Thunderbird's alert column, give the time when they are
// from 2000 to 2100, and that the level comes from the leading fields.
func TestDetectEpoch(t *testing.T) {
	runDetectTests(t, []detectTest{
		{"Thunderbird", "1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
			at(2005, 11, 9, 20, 1, 1, 0), engine.NoLevel, "", layoutEpoch},
		{"milliseconds", "1700000000123 worker started",
			at(2023, 11, 14, 22, 13, 20, 123000000), engine.NoLevel, "", layoutEpoch},
		{"BGL", "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL FATAL data storage interrupt",
			at(2005, 6, 3, 22, 42, 50, 0), engine.Fatal, "FATAL", layoutEpoch},
		{"BGL info", "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
			at(2005, 6, 3, 22, 42, 50, 0), engine.Info, "INFO", layoutEpoch},
		{"BGL alert column", "KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt",
			at(2005, 6, 12, 0, 32, 7, 0), engine.Fatal, "FATAL", layoutEpoch},
		{"level in the message is not taken", "1131566461 node went down with ERROR 5",
			at(2005, 11, 9, 20, 1, 1, 0), engine.NoLevel, "", layoutEpoch},
		{"too early", "0946684799 x", none, engine.NoLevel, "", ""},
		{"too late", "4102444800 x", none, engine.NoLevel, "", ""},
		{"number alone", "1314309581", none, engine.NoLevel, "", ""},
		{"eleven digits", "11315664610 x", none, engine.NoLevel, "", ""},
	})
}

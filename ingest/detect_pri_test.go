package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that syslog lines with a PRI take their level from its severity,
// with the time of BSD syslog, RFC 5424 or RFC 3339 after it.
func TestDetectPRI(t *testing.T) {
	runDetectTests(t, []detectTest{
		{"BSD with PRI", "<13>Jun  9 20:10:40 host app[1]: started", at(2023, 6, 9, 20, 10, 40, 0), engine.Info, "notice", layoutSyslogPRI},
		{"BSD err", "<11>May 31 20:10:40 host app: failed", at(2024, 5, 31, 20, 10, 40, 0), engine.Error, "err", layoutSyslogPRI},
		{"RFC 5424", "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event",
			at(2003, 10, 11, 22, 14, 15, 3000000), engine.Info, "notice", layoutRFC5424},
		{"RFC 5424 crit", "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed",
			at(2003, 10, 11, 22, 14, 15, 3000000), engine.Fatal, "crit", layoutRFC5424},
		{"RFC 5424 warning", "<12>1 2024-01-02T03:04:05+01:00 h a 1 - [x@1 a=\"b\"] msg",
			at(2024, 1, 2, 2, 4, 5, 0), engine.Warn, "warning", layoutRFC5424},
		{"RFC 3339 after PRI", "<15>2024-01-02T03:04:05Z host app: x", at(2024, 1, 2, 3, 4, 5, 0), engine.Debug, "debug", layoutSyslogPRI},
		{"PRI without time", "<8>x", none, engine.Fatal, "emerg", layoutSyslogPRI},
		{"PRI too big", "<192>1 2003-10-11T22:14:15.003Z h a - - - x", none, engine.NoLevel, "", ""},
		{"not a PRI", "<html>", none, engine.NoLevel, "", ""},
	})
}

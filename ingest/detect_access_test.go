package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that Apache and nginx access lines take their level from the
// HTTP status: 5xx Error, 4xx Warn, anything else Info.
func TestDetectAccess(t *testing.T) {
	tm := at(2015, 5, 17, 10, 5, 3, 0)
	runDetectTests(t, []detectTest{
		{"200", `83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 203023`, tm, engine.Info, "200", layoutAccess},
		{"304", `1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a HTTP/1.1" 304 -`, tm, engine.Info, "304", layoutAccess},
		{"404", `1.2.3.4 - bob [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 404 12 "-" "curl/8"`, tm, engine.Warn, "404", layoutAccess},
		{"502 nginx", `10.0.0.1 - - [17/May/2015:12:05:03 +0200] "POST /api HTTP/2.0" 502 157 "-" "Mozilla/5.0"`, tm, engine.Error, "502", layoutAccess},
		{"no status", `1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /"`, tm, engine.NoLevel, "", layoutAccess},
		{"not a status", `1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /" 2000 5`, tm, engine.NoLevel, "", layoutAccess},
	})
}

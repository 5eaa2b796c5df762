package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that the layouts written as an ISO time and a level in some
// position (log4j, logback, oslo, Python, Windows CBS, nginx's error log,
// journald's short-iso, Go's log, GitHub's commands) give both.
func TestDetectAfterISO(t *testing.T) {
	runDetectTests(t, []detectTest{
		{"logback", "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster",
			at(2015, 10, 18, 18, 1, 47, 978000000), engine.Info, "INFO", layoutISO},
		{"zookeeper", "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200",
			at(2015, 7, 29, 17, 41, 44, 747000000), engine.Info, "INFO", layoutISO},
		{"zookeeper warn", "2015-07-29 19:04:12,394 - WARN  [RecvWorker:188978561024:QuorumCnxManager$RecvWorker@762] - Connection broken",
			at(2015, 7, 29, 19, 4, 12, 394000000), engine.Warn, "WARN", layoutISO},
		{"oslo", "2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae] 10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200",
			at(2017, 5, 16, 0, 0, 0, 8000000), engine.Info, "INFO", layoutISO},
		{"oslo file prefix", "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 ERROR nova.api x",
			at(2017, 5, 16, 0, 0, 0, 8000000), engine.Error, "ERROR", layoutISO},
		{"Python", "2016-12-19 16:31:47,437 - root - ERROR - failed", at(2016, 12, 19, 16, 31, 47, 437000000), engine.Error, "ERROR", layoutISO},
		{"CBS", "2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505",
			at(2016, 9, 28, 4, 30, 30, 0), engine.Info, "Info", layoutISO},
		{"CBS error", "2016-09-28 04:30:31, Error                 CSI    00000001@2016/9/27:20:30:31.455 WcpInitialize failed",
			at(2016, 9, 28, 4, 30, 31, 0), engine.Error, "Error", layoutISO},
		{"nginx error", "2024/01/02 03:04:05 [warn] 123#0: *1 an upstream response is buffered",
			at(2024, 1, 2, 3, 4, 5, 0), engine.Warn, "warn", layoutISO},
		{"nginx crit", "2024/01/02 03:04:05 [crit] 123#0: *1 connect() failed", at(2024, 1, 2, 3, 4, 5, 0), engine.Fatal, "crit", layoutISO},
		{"journald short-iso", "2024-01-02T03:04:05+0000 host sshd[1]: error: kex_exchange_identification",
			at(2024, 1, 2, 3, 4, 5, 0), engine.Error, "error", layoutISO},
		{"journald short-iso no level", "2024-01-02T03:04:05+0000 host systemd[1]: Started Session 1.",
			at(2024, 1, 2, 3, 4, 5, 0), engine.NoLevel, "", layoutISO},
		{"title case", "2026-11-20T23:00:00.036538077Z Info job=job-fa985c0e92b8 flow=etl-hourly POST /users/6171 304",
			at(2026, 11, 20, 23, 0, 0, 36538077), engine.Info, "Info", layoutISO},
		{"Go log", "2009/11/10 23:00:00 hello", at(2009, 11, 10, 23, 0, 0, 0), engine.NoLevel, "", layoutISO},
		{"GitHub command", "::error file=app.js,line=1,col=5::Missing semicolon", none, engine.Error, "error", layoutLevel},
		{"GitHub warning command", "::warning::Node 16 is deprecated", none, engine.Warn, "warning", layoutLevel},
		{"GitHub group command", "::group::Run tests", none, engine.NoLevel, "", ""},
	})
}

package ingest

import (
	"bytes"
	"testing"
)

// detectSamples are one line of each text layout the detector knows, and
// some it does not.
var detectSamples = []string{
	"2022-04-27T19:35:18.0513221Z ##[error]Process completed with exit code 1.",
	"2016-12-19 16:31:47,437 INFO started",
	"2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification",
	"2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b] 10.11.10.1 \"GET /v2 HTTP/1.1\" status: 200",
	"nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.api x",
	"2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505",
	"2024/01/02 03:04:05 [warn] 123#0: *1 an upstream response is buffered",
	"[2016-12-19 16:31:46,143] INFO KafkaConfig values: ",
	"[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
	"[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy",
	"[2024-01-02T03:04:05Z ERROR my_crate] connection refused",
	"17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers",
	"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating",
	"20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
	"1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed",
	"- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL FATAL data",
	"03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken",
	"E/ActivityManager(  123): ANR in com.example",
	"<13>Jun  9 20:10:40 host app[1]: started",
	"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event",
	"2024-01-02T03:04:05+0000 host sshd[1]: error: kex_exchange_identification",
	"Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: Server listening on 0.0.0.0 port 22.",
	"I0915 20:01:48.245569       1 round_trippers.go:466] curl -v -XGET",
	"time=2024-01-02T03:04:05.000Z level=WARN msg=\"disk almost full\"",
	`83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 203023`,
	"::error file=app.js,line=1::Missing semicolon",
	"[INFO] Building jar: /x.jar",
	"\tat org.apache.maven.surefire.booter.ForkedBooter.main(ForkedBooter.java:12)",
	"Sending ERROR report to server",
}

// BenchmarkDetect reads the detector's samples, a line of each layout, as a
// text file.
func BenchmarkDetect(b *testing.B) {
	var buf bytes.Buffer
	for range 200 {
		for _, s := range detectSamples {
			buf.WriteString(s + "\n")
		}
	}
	benchRead(b, buf.Bytes(), FormatText)
}

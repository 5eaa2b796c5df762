package insert_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// syslogHarness adds syslog UDP and TCP listeners on 127.0.0.1:0.
func syslogHarness(t *testing.T) (h *harness, udp, tcp string) {
	t.Helper()
	h = newHarness(t, nil, "")
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go h.rc.ServeSyslogUDP(pc)
	go h.rc.ServeSyslogTCP(l)
	return h, pc.LocalAddr().String(), l.Addr().String()
}

// waitLines waits until run job/0 has n lines, and returns them.
func (h *harness) waitLines(t *testing.T, job string, n int) []engine.Entry {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rs, _ := h.db.Run(t.Context(), job, 0)
		if rs.Lines >= int64(n) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := h.lines(t, job, 0)
	if len(got) != n {
		t.Fatalf("run %s/0 has %d lines, want %d; runs: %s", job, len(got), n, h.runs(t))
	}
	return got
}

// waitInfo waits until the counter key is want.
func (h *harness) waitInfo(t *testing.T, key string, want int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); h.info()[key] != want; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s is %v, want %d; counters %v", key, h.info()[key], want, h.info())
		}
	}
}

// runLogger runs util-linux's logger with args, the messages on its
// standard input, one a line.
func runLogger(t *testing.T, msgs []string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("logger"); err != nil {
		t.Skip("logger (util-linux, Debian's bsdutils) is not installed")
	}
	cmd := exec.Command("logger", args...)
	cmd.Stdin = strings.NewReader(strings.Join(msgs, "\n") + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("logger %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// checkSyslog checks lines against the messages logger sent: in order,
// once each, with the level and labels given, and a time within a minute
// of now (logger stamps them).
func checkSyslog(t *testing.T, got []engine.Entry, msgs []string, level engine.Level, labels string) {
	t.Helper()
	for i, e := range got {
		checkEntry(t, e, msgs[i], level, e.Timestamp(), labels)
		if d := time.Since(e.Timestamp()); d < -time.Minute || d > time.Minute {
			t.Errorf("line %d: time %v is not now", e.Line, e.Timestamp())
		}
	}
}

func messages(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s message %d", prefix, i+1)
	}
	return out
}

// Ensure that logger's messages over UDP (RFC 5424 and RFC 3164) and TCP
// (newline-framed RFC 3164, octet-counted RFC 5424) each arrive once, in
// order, in the run of their app-name, with the level of their PRI and
// the header fields as labels.
func TestSyslog_Logger(t *testing.T) {
	h, udp, tcp := syslogHarness(t)
	host, _ := os.Hostname()
	uh, up, _ := net.SplitHostPort(udp)
	th, tp, _ := net.SplitHostPort(tcp)

	m := messages("udp5424", 50)
	runLogger(t, m, "--server", uh, "--port", up, "--udp", "--rfc5424=notq", "-t", "app5424", "--id=42",
		"-p", "local0.warning", "--msgid", "M1", "--sd-id", "ex@32473", "--sd-param", `k="v"`)
	checkSyslog(t, h.waitLines(t, "app5424", 50), m, engine.Warn,
		"ex@32473.k=v facility=local0 hostname="+host+" msg_id=M1 proc_id=42")

	m = messages("udp3164", 30)
	runLogger(t, m, "--server", uh, "--port", up, "--udp", "--rfc3164", "-t", "app3164", "--id=7", "-p", "user.err")
	checkSyslog(t, h.waitLines(t, "app3164", 30), m, engine.Error, "facility=user hostname="+host+" proc_id=7")

	m = messages("tcp3164", 40)
	runLogger(t, m, "--server", th, "--port", tp, "--tcp", "--rfc3164", "-t", "tcpapp", "-p", "daemon.debug")
	checkSyslog(t, h.waitLines(t, "tcpapp", 40), m, engine.Debug, "facility=daemon hostname="+host)

	m2 := messages("octet", 40)
	runLogger(t, m2, "--server", th, "--port", tp, "--tcp", "--octet-count", "--rfc5424=notq", "-t", "tcpapp", "-p", "local7.crit")
	got := h.waitLines(t, "tcpapp", 80)
	checkSyslog(t, got[40:], m2, engine.Fatal, "facility=local7 hostname="+host)

	// The counters follow the append a moment after its lines show.
	h.waitInfo(t, "insert_syslog_lines", 160)
	if info := h.info(); info["insert_syslog_rejected"] != int64(0) {
		t.Errorf("counters: %v", info)
	}
}

// Ensure that a line that is not syslog is kept whole in run syslog/0,
// counted as unparsed, that an octet-counted frame over the line limit is
// dropped alone, and that the messages around them arrive.
func TestSyslog_Malformed(t *testing.T) {
	h, _, tcp := syslogHarness(t)
	nc, err := net.Dial("tcp", tcp)
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 5<<20)
	fmt.Fprintf(nc, "<14>1 2026-12-08T02:00:00Z h app - - - first\nnot syslog at all\n%d <14>%s\n<11>1 2026-12-08T02:00:00.123456789Z h app - - - nine digits\n<14>1 2026-12-08T02:00:01Z h app - - - last\n", len(big)+4, big)
	nc.Close()
	got := h.waitLines(t, "app", 2)
	checkEntry(t, got[0], "first", engine.Info, time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC), "facility=user hostname=h")
	checkEntry(t, got[1], "last", engine.Info, time.Date(2026, 12, 8, 2, 0, 1, 0, time.UTC), "facility=user hostname=h")
	// A message the parser gives up on part way keeps its level and is
	// kept whole; so is one that is not syslog at all.
	def := h.waitLines(t, "syslog", 2)
	if def[0].Message != "not syslog at all" || def[0].Level != engine.NoLevel {
		t.Errorf("syslog/0 line 1: %q %v", def[0].Message, def[0].Level)
	}
	if want := "<11>1 2026-12-08T02:00:00.123456789Z h app - - - nine digits"; def[1].Message != want || def[1].Level != engine.Error {
		t.Errorf("syslog/0 line 2: %q %v, want %q Error", def[1].Message, def[1].Level, want)
	}
	h.waitInfo(t, "insert_syslog_lines", 4)
	if info := h.info(); info["insert_syslog_unparsed"] != int64(1) || info["insert_syslog_rejected"] != int64(1) {
		t.Errorf("counters: %v", info)
	}
}

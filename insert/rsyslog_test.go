package insert_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that rsyslog forwarding with omfwd, over UDP and over TCP with
// octet counting, in RFC 5424, delivers every message once and in order,
// with its app-name as the run and its level. Messages reach rsyslog
// from logger through a Unix socket of its own (imuxsock), so the test
// needs no port but ours.
func TestSyslog_Rsyslog(t *testing.T) {
	rsyslogd, err := exec.LookPath("rsyslogd")
	if err != nil {
		t.Skip("rsyslogd is not installed (Debian's rsyslog)")
	}
	if testing.Short() {
		t.Skip("spawns rsyslogd")
	}
	h, udp, tcp := syslogHarness(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "log")
	_, up, _ := net.SplitHostPort(udp)
	_, tp, _ := net.SplitHostPort(tcp)
	conf := fmt.Sprintf(`global(workDirectory=%q)
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket=%q CreatePath="on")
if $programname == 'viaudp' then {
	action(type="omfwd" target="127.0.0.1" port=%q protocol="udp" template="RSYSLOG_SyslogProtocol23Format")
} else if $programname == 'viatcp' then {
	action(type="omfwd" target="127.0.0.1" port=%q protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
}
`, dir, sock, up, tp)
	cf := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(rsyslogd, "-n", "-f", cf, "-i", filepath.Join(dir, "pid"))
	out, _ := os.Create(filepath.Join(dir, "rsyslogd.out"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "rsyslogd.out"))
			t.Fatalf("rsyslogd did not create %s:\n%s", sock, b)
		}
	}
	mu := messages("via udp", 30)
	runLogger(t, mu, "-u", sock, "-t", "viaudp", "-p", "user.notice")
	mt := messages("via tcp", 30)
	runLogger(t, mt, "-u", sock, "-t", "viatcp", "-p", "local3.err")
	for _, c := range []struct {
		job   string
		msgs  []string
		level engine.Level
		fac   string
	}{{"viaudp", mu, engine.Info, "user"}, {"viatcp", mt, engine.Error, "local3"}} {
		got := h.waitLines(t, c.job, len(c.msgs))
		for i, e := range got {
			if e.Message != c.msgs[i] || e.Level != c.level {
				t.Errorf("%s line %d: %q %v, want %q %v", c.job, e.Line, e.Message, e.Level, c.msgs[i], c.level)
			}
			if f, _ := e.Labels.Get("facility"); f != c.fac {
				t.Errorf("%s line %d: facility %q, want %q", c.job, e.Line, f, c.fac)
			}
		}
	}
}

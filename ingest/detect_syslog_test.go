package ingest

import "testing"

// Ensure that parseSyslog takes BSD syslog heads, finds the message after
// "host prog[pid]: ", and leaves other lines alone.
func TestParseSyslog(t *testing.T) {
	const klog = "Sep 15 19:50:17 kind-worker kubelet[704773]: I0915 19:50:17.864353  704773 kubelet.go:2160] \"SyncLoop\""
	tests := []struct {
		in   string
		n    int
		msg  string // the message, or "-" for none
		want civil
	}{
		{"Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: Server listening on 0.0.0.0 port 22.", 15,
			"Server listening on 0.0.0.0 port 22.", civil{month: 3, day: 27, hour: 13, min: 6, sec: 56}},
		{"Mar  7 13:06:56 host CRON[42]: pam_unix(cron:session): session opened", 15,
			"pam_unix(cron:session): session opened", civil{month: 3, day: 7, hour: 13, min: 6, sec: 56}},
		{"Mar 7 13:06:56 host kernel: [ 1.234] usb 1-1: new device", 14,
			"[ 1.234] usb 1-1: new device", civil{month: 3, day: 7, hour: 13, min: 6, sec: 56}},
		{"Apr 20 01:02:03.250 host postfix/smtpd[7]: connect", 19,
			"connect", civil{month: 4, day: 20, hour: 1, min: 2, sec: 3, nsec: 250000000}},
		{klog, 15, klog[45:], civil{month: 9, day: 15, hour: 19, min: 50, sec: 17}},
		{"Dec 31 23:59:59 host", 15, "-", civil{month: 12, day: 31, hour: 23, min: 59, sec: 59}},
		{"Dec 31 23:59:59 host prog missing colon", 15, "-", civil{month: 12, day: 31, hour: 23, min: 59, sec: 59}},
		{"Dec 31 23:59:59 host prog[x]: no pid", 15, "-", civil{month: 12, day: 31, hour: 23, min: 59, sec: 59}},

		{"Mar 27 13:06 host sshd: no seconds", 0, "", civil{}},
		{"March 27 13:06:56 host sshd: x", 0, "", civil{}},
		{"Mar 27 13:06:56x host", 0, "", civil{}},
		{"Started by timer", 0, "", civil{}},
	}
	for _, tt := range tests {
		var c civil
		n, msg := parseSyslog([]byte(tt.in), &c)
		if n != tt.n {
			t.Errorf("parseSyslog(%q) took %d bytes, want %d", tt.in, n, tt.n)
			continue
		}
		if n == 0 {
			continue
		}
		gotMsg := "-"
		if msg >= 0 {
			gotMsg = tt.in[msg:]
		}
		if c != tt.want || gotMsg != tt.msg {
			t.Errorf("parseSyslog(%q) = %+v, msg %q; want %+v, %q", tt.in, c, gotMsg, tt.want, tt.msg)
		}
	}
}

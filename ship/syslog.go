package ship

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	syslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"

	"github.com/logdb/logdb/ingest"
)

// A SyslogDecoder decodes syslog messages, RFC 5424 or RFC 3164 (BSD), told
// apart by the version after the PRI ("<34>1 …" is RFC 5424). It uses
// leodido/go-syslog's parsers and is safe for concurrent use.
type SyslogDecoder struct {
	o       Options
	rfc5424 syslog.Machine
	rfc3164 syslog.Machine
}

// receiveYear gives RFC 3164 times, which have no year, the year of the
// receive time.
type receiveYear struct{ now func() time.Time }

func (y receiveYear) Apply() int { return y.now().Year() }

// NewSyslogDecoder returns a decoder with options o.
func NewSyslogDecoder(o Options) *SyslogDecoder {
	o = o.withDefaults()
	return &SyslogDecoder{
		o:       o,
		rfc5424: rfc5424.NewParser(rfc5424.WithBestEffort()),
		rfc3164: rfc3164.NewParser(rfc3164.WithBestEffort(),
			rfc3164.WithYear(receiveYear{o.Now}), rfc3164.WithTimezone(o.Location)),
	}
}

// The fields of a syslog record, besides structured data, which becomes
// "<SD-ID>.<PARAM-NAME>" (RFC 5424 section 6.3).
const (
	SyslogHostname = "hostname"
	SyslogAppName  = "app_name"
	SyslogProcID   = "proc_id"
	SyslogMsgID    = "msg_id"
	SyslogFacility = "facility"
)

// Decode decodes one message (a datagram, or a frame of a stream without
// its framing). The level is the PRI's severity: emerg, alert and crit are
// Fatal, err Error, warning Warn, notice and info Info, debug Debug; the
// facility's keyword (kern, user, daemon, local0, …) is a field, as are
// the hostname, app-name, proc-id and msg-id. A message without a PRI is
// an error wrapping ErrMalformed; where names it.
func (d *SyslogDecoder) Decode(msg []byte, where string) (Record, error) {
	msg = bytes.TrimRight(msg, "\r\n\x00")
	if len(msg) > d.o.MaxLineBytes {
		return Record{}, recordErrorf(where, ErrTooLong, "%d bytes, the limit is %d", len(msg), d.o.MaxLineBytes)
	}
	p := d.rfc3164
	if is5424(msg) {
		p = d.rfc5424
	}
	m, err := p.Parse(msg)
	var base *syslog.Base
	var sd map[string]map[string]string
	switch m := m.(type) {
	case *rfc5424.SyslogMessage:
		base = &m.Base
		if m.StructuredData != nil {
			sd = *m.StructuredData
		}
	case *rfc3164.SyslogMessage:
		base = &m.Base
	}
	if base == nil || base.Priority == nil {
		reason := "no <PRI> at the start"
		if err != nil {
			reason = err.Error()
		}
		return Record{}, recordErrorf(where, ErrMalformed, "not a syslog message: %s", reason)
	}
	var r Record
	if base.Severity != nil {
		r.Level = ingest.SeverityLevel(int(*base.Severity))
	}
	if err != nil {
		// A message the parser gave up on part way (a timestamp with more
		// than RFC 5424's six fraction digits, a bad structured data
		// element) keeps its PRI's level and is kept whole as the line,
		// with the header fields read before the fault.
		r.Message = string(msg)
	} else {
		if base.Timestamp != nil {
			r.Time = base.Timestamp.UnixNano()
		}
		if base.Message != nil {
			// rsyslog's msg property keeps the space after "tag:", and its
			// RFC 5424 templates (RSYSLOG_SyslogProtocol23Format) write it
			// after the separating one: drop one.
			r.Message = strings.TrimPrefix(*base.Message, " ")
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{SyslogHostname, base.Hostname}, {SyslogAppName, base.Appname}, {SyslogProcID, base.ProcID}, {SyslogMsgID, base.MsgID}, {SyslogFacility, base.FacilityLevel()}} {
		if f.v != nil && *f.v != "" && *f.v != "-" {
			r.field(f.name, *f.v)
		}
	}
	for id, params := range sd {
		for k, v := range params {
			r.field(id+"."+k, v)
		}
	}
	return r, nil
}

// is5424 reports whether msg starts "<PRI>VERSION ", as RFC 5424's do.
func is5424(msg []byte) bool {
	i := bytes.IndexByte(msg, '>')
	if len(msg) == 0 || msg[0] != '<' || i < 0 || i > 4 {
		return false
	}
	j := i + 1
	for j < len(msg) && j-i <= 3 && '0' <= msg[j] && msg[j] <= '9' {
		j++
	}
	return j > i+1 && j < len(msg) && msg[j] == ' '
}

// SyslogWhere names a message of a stream in errors.
func SyslogWhere(peer string, n int64) string { return fmt.Sprintf("%s message %d", peer, n) }

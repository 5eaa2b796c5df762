package ship

import (
	"net/url"
	"strings"
	"time"
)

// Options tune the decoders. The zero value of every field means its
// default.
type Options struct {
	// MaxLineBytes is the longest message accepted; a longer record is
	// rejected with ErrTooLong. Default 4 MiB, the engine's limit.
	MaxLineBytes int

	// Location is the zone of times written without one (JSON lines,
	// RFC 3164 syslog). Default time.Local.
	Location *time.Location

	// Now returns the receive time, which RFC 3164 syslog times (without
	// a year) are placed near. Default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 4 << 20
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// ParseQuery returns m with the overrides an HTTP request's query
// parameters give, so that a shipper configures the mapping in its URL:
//
//	job_field=a,b    JobFields          (also _stream_fields' first, no)
//	attempt_field=f  AttemptField
//	default_job=j    DefaultJob
//	_msg_field=f     MessageField       (VictoriaLogs' name; msg_field too)
//	_time_field=f    TimeField          (time_field too)
//	time_format=f    TimeFormat
//	label_fields=a,b LabelFields
//	ignore_fields=a  IgnoreFields
//
// Unknown parameters are left alone (shippers add their own).
func ParseQuery(m Mapping, q url.Values) Mapping {
	list := func(v string) []string {
		var out []string
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
		return out
	}
	get := func(names ...string) (string, bool) {
		for _, n := range names {
			if q.Has(n) {
				return q.Get(n), true
			}
		}
		return "", false
	}
	if v, ok := get("job_field"); ok {
		m.JobFields = list(v)
	}
	if v, ok := get("attempt_field"); ok {
		m.AttemptField = v
	}
	if v, ok := get("default_job"); ok {
		m.DefaultJob = v
	}
	if v, ok := get("_msg_field", "msg_field"); ok {
		m.MessageField = v
	}
	if v, ok := get("_time_field", "time_field"); ok {
		m.TimeField = v
	}
	if v, ok := get("time_format"); ok {
		m.TimeFormat = v
	}
	if v, ok := get("label_fields"); ok {
		m.LabelFields = list(v)
	}
	if v, ok := get("ignore_fields"); ok {
		m.IgnoreFields = list(v)
	}
	return m
}

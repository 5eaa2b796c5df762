// Package ship decodes the push protocols of the log shippers people
// already run (JSON lines, Elasticsearch bulk, Loki push, OpenTelemetry
// logs, syslog) into records, and maps records onto logdb's runs and
// labels. It does no I/O: package insert reads requests and sockets and
// appends what this package returns.
//
//	mp, err := ship.Mapping{JobFields: []string{"service"}}.Compile(ship.JSONLine)
//	recs, err := ship.DecodeJSONLines(body, ship.Options{})
//	for i := range recs {
//		e, err := mp.Entry(&recs[i]) // an engine.Entry: run, time, level, labels
//		…
//	}
//
// # Basics
//
// A decoder returns Records: the time, level and message the protocol
// defines, the run a JSON line names, and every other field by name. A
// Mapping, shared by all protocols, says which fields give the job and
// attempt, the message and the time (with its format), and which fields
// become labels; Compile checks it for one protocol, whose defaults fill
// what it leaves out (DefaultJobFields: Loki's job label, OTLP's
// service.name, syslog's app_name). A record that names no job goes to
// run DefaultJob(protocol)/0 ("syslog"/0 …), or Mapping.DefaultJob: no
// line is dropped for want of a run. ParseQuery reads a Mapping's
// overrides from an HTTP request's query parameters, with VictoriaLogs'
// names where it has them (_msg_field, _time_field).
//
// The decoders: DecodeJSONLines (logdb ingest --format json's rules),
// DecodeESBulk (the _bulk NDJSON, with an item per action),
// DecodeLokiJSON and DecodeLokiProtobuf (push.proto's PushRequest, read
// with protowire), DecodeOTLPProtobuf and DecodeOTLPJSON (the
// ExportLogsServiceRequest of go.opentelemetry.io/proto/otlp), and
// SyslogDecoder (RFC 5424 and RFC 3164 with leodido/go-syslog).
//
// # Caveats
//
// Decoders never panic on input: a body that does not follow its
// protocol is an error wrapping ErrMalformed, a record over
// Options.MaxLineBytes one wrapping ErrTooLong, each a *RecordError whose
// Where names the record ("line 3", "stream 1 entry 2"). Records own their
// strings. Mappers and decoders are safe for concurrent use.
package ship

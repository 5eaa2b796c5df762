// Package insert receives logs pushed by shippers and appends them: the
// HTTP endpoints of JSON lines, Elasticsearch bulk, Loki push and OTLP
// logs, mounted on an httpd.Server, and syslog over UDP, TCP and TLS.
//
//	rc, err := insert.New(srv, &insert.Options{}) // srv: *server.Server, whose group commit it shares
//	hs := httpd.New(&httpd.Options{AuthToken: token})
//	rc.Mount(hs)
//	go hs.Serve(httpListener)
//	go rc.ServeSyslogUDP(packetConn)
//	go rc.ServeSyslogTCP(tcpListener)
//	…
//	hs.Shutdown(ctx)
//	rc.Close()
//
// # Basics
//
// Package ship decodes each protocol and maps its records onto runs and
// labels with one ship.Mapping (Options.Mapping; an HTTP request may
// override it with query parameters, see ship.ParseQuery). An HTTP
// request is answered 2xx only once its lines are durable, and is all or
// nothing, except an Elasticsearch bulk request, which is answered per
// item as Elasticsearch does. A refused request gets its protocol's kind
// of error: plain text for JSON lines and Loki, Elasticsearch's error
// object, OTLP's google.rpc.Status; each names the line or record at
// fault. InfoStats reports per-protocol counters for INFO.
//
// # Caveats
//
// Syslog has no acknowledgement: messages are appended in batches of
// what has arrived, each durable before more is read, and a message that
// is not syslog is kept whole as the line. A Receiver is safe for
// concurrent use; Close stops its syslog listeners, after appending what
// they read.
package insert

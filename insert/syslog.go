package insert

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ship"
)

// Syslog has no acknowledgement: a sender over UDP never learns of a
// loss, one over TCP only that the connection broke. So the receivers
// append what they read in batches (every message waiting, up to
// Options.SyslogBatch), each durable before the next is read, and a
// message that is not syslog (no <PRI>) is kept whole as the line rather
// than dropped, counted as insert_syslog_unparsed. Only a message longer
// than Options.MaxLineBytes is dropped, counted as rejected and logged.

// ServeSyslogUDP reads syslog datagrams from pc, one message each, until
// Close; it then returns nil, having appended what it read. Any other
// read error is returned.
func (rc *Receiver) ServeSyslogUDP(pc net.PacketConn) error {
	if !rc.track(pc) {
		pc.Close()
		return nil
	}
	defer rc.untrack(pc)
	c := rc.counters(ship.Syslog)

	// A reader goroutine hands messages over to this one, which appends
	// them in batches, so that reading goes on during a commit.
	msgs := make(chan engine.Entry, 4*rc.opts.SyslogBatch)
	readErr := make(chan error, 1)
	go func() {
		defer close(msgs)
		buf := make([]byte, 64<<10)
		var n int64
		for {
			size, addr, err := pc.ReadFrom(buf)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					err = nil
				}
				readErr <- err
				return
			}
			n++
			c.requests.Add(1)
			c.bytes.Add(int64(size))
			if e, ok := rc.syslogEntry(buf[:size], ship.SyslogWhere(hostOf(addr), n)); ok {
				msgs <- e
			}
		}
	}()
	batch := make([]engine.Entry, 0, rc.opts.SyslogBatch)
	for e := range msgs {
		batch = append(batch[:0], e)
	more:
		for len(batch) < rc.opts.SyslogBatch {
			select {
			case e, ok := <-msgs:
				if !ok {
					break more
				}
				batch = append(batch, e)
			default:
				break more
			}
		}
		rc.appendSyslog(batch)
	}
	return <-readErr
}

// ServeSyslogTCP accepts connections on l (wrap it with tls.NewListener
// for TLS) and reads syslog messages from each, octet-counted ("57 <34>1
// …", RFC 6587 section 3.4.1) or one a line, told apart per message by
// its first byte, until Close; it then returns nil. Another Accept error
// is returned.
func (rc *Receiver) ServeSyslogTCP(l net.Listener) error {
	if !rc.track(l) {
		l.Close()
		return nil
	}
	defer rc.untrack(l)
	for {
		nc, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return err
		}
		if !rc.track(nc) {
			nc.Close()
			return nil
		}
		go func() {
			defer rc.untrack(nc)
			defer nc.Close()
			if err := rc.serveSyslogConn(nc); err != nil {
				rc.opts.Logger.Warn("insert: syslog connection ended", "peer", hostOf(nc.RemoteAddr()), "err", err)
			}
		}()
	}
}

// serveSyslogConn reads the messages of one connection until EOF.
func (rc *Receiver) serveSyslogConn(nc net.Conn) error {
	c := rc.counters(ship.Syslog)
	c.requests.Add(1)
	peer := hostOf(nc.RemoteAddr())
	br := bufio.NewReaderSize(nc, 64<<10)
	batch := make([]engine.Entry, 0, rc.opts.SyslogBatch)
	defer func() { rc.appendSyslog(batch) }()
	var n int64
	for {
		msg, err := readFrame(br, rc.opts.MaxLineBytes)
		if err != nil && !errors.Is(err, errFrameTooLong) {
			if err == io.EOF || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		n++
		where := ship.SyslogWhere(peer, n)
		if err != nil {
			c.rejected.Add(1)
			rc.opts.Logger.Warn("insert: syslog message dropped", "where", where, "err", err)
		} else {
			c.bytes.Add(int64(len(msg)))
			if e, ok := rc.syslogEntry(msg, where); ok {
				batch = append(batch, e)
			}
		}
		if len(batch) >= rc.opts.SyslogBatch || br.Buffered() == 0 && len(batch) > 0 {
			rc.appendSyslog(batch)
			batch = batch[:0]
		}
	}
}

// errFrameTooLong reports a frame over the limit, which was skipped.
var errFrameTooLong = errors.New("syslog message too long")

// readFrame reads one message: octet-counted if it starts with a digit,
// else up to a newline. A message over max bytes is skipped and reported
// as errFrameTooLong; the stream stays in step.
func readFrame(br *bufio.Reader, max int) ([]byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return nil, err
		}
		if b[0] != '\n' && b[0] != '\r' {
			break
		}
		br.Discard(1) // blank lines between messages
	}
	b, _ := br.Peek(1)
	if '0' <= b[0] && b[0] <= '9' {
		head, err := br.ReadSlice(' ')
		if err != nil {
			return nil, fmt.Errorf("octet count %q is not followed by a space", bytes.TrimSpace(head))
		}
		size, err := strconv.Atoi(string(head[:len(head)-1]))
		if err != nil || size < 0 {
			return nil, fmt.Errorf("bad octet count %q", head[:len(head)-1])
		}
		if size > max {
			if _, err := br.Discard(size); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %d bytes, the limit is %d", errFrameTooLong, size, max)
		}
		msg := make([]byte, size)
		if _, err := io.ReadFull(br, msg); err != nil {
			if err == io.ErrUnexpectedEOF {
				return nil, fmt.Errorf("the connection ended inside a message of %d bytes", size)
			}
			return nil, err
		}
		return msg, nil
	}
	var msg []byte
	for {
		part, err := br.ReadSlice('\n')
		if len(msg)+len(part) <= max+2 {
			msg = append(msg, part...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(msg) > 0:
		case err != nil && err != io.EOF:
			return nil, err
		case err == io.EOF:
			return nil, io.EOF
		}
		msg = bytes.TrimRight(msg, "\r\n")
		if len(msg) > max {
			return nil, fmt.Errorf("%w: the limit is %d bytes", errFrameTooLong, max)
		}
		return msg, nil
	}
}

// syslogEntry decodes and maps one message; false drops it (too long).
func (rc *Receiver) syslogEntry(msg []byte, where string) (engine.Entry, bool) {
	c := rc.counters(ship.Syslog)
	r, err := rc.syslog.Decode(msg, where)
	if errors.Is(err, ship.ErrMalformed) {
		rc.syslogUnparsed.Add(1)
		r = ship.Record{Message: string(bytes.TrimRight(msg, "\r\n\x00")), Where: where}
	} else if err != nil {
		c.rejected.Add(1)
		rc.opts.Logger.Warn("insert: syslog message dropped", "err", err)
		return engine.Entry{}, false
	}
	e, err := rc.mappers[ship.Syslog].Entry(&r)
	if err != nil {
		c.rejected.Add(1)
		rc.opts.Logger.Warn("insert: syslog message dropped", "err", err)
		return engine.Entry{}, false
	}
	return e, true
}

// appendSyslog appends a batch, logging a failure (there is no one to
// answer).
func (rc *Receiver) appendSyslog(batch []engine.Entry) {
	if len(batch) == 0 {
		return
	}
	if _, _, err := rc.appendEntries(ship.Syslog, batch); err != nil {
		rc.opts.Logger.Error("insert: syslog lines lost", "lines", len(batch), "err", err)
	}
}

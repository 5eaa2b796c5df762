package server

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/logdb/logdb/engine"
)

// The connection and server commands: PING, ECHO, AUTH, HELLO, INFO, QUIT,
// RESET, and the few Redis administration commands that client libraries
// and tools send on their own (COMMAND, CONFIG GET, CLIENT, SELECT), which
// get harmless answers so that they work unchanged.

func init() {
	register(
		&command{name: "PING", arity: -1, usage: "PING [message]", summary: "answer PONG (or the message)", pubsub: true, run: cmdPing},
		&command{name: "ECHO", arity: 2, usage: "ECHO message", summary: "answer the message", run: cmdEcho},
		&command{name: "AUTH", arity: -2, usage: "AUTH [user] token", summary: "authenticate with the server's token", noAuth: true, run: cmdAuth},
		&command{name: "HELLO", arity: -1, usage: "HELLO [2 [AUTH user token] [SETNAME name]]", summary: "handshake: server, version, runs, lines, index lag", noAuth: true, run: cmdHello},
		&command{name: "INFO", arity: -1, usage: "INFO [section]", summary: "server, clients, store (runs, lines, index lag) and stats", run: cmdInfo},
		&command{name: "QUIT", arity: -1, usage: "QUIT", summary: "close the connection", noAuth: true, pubsub: true, free: true, run: cmdQuit},
		&command{name: "RESET", arity: 1, usage: "RESET", summary: "stop following and forget AUTH", noAuth: true, pubsub: true, ownsWriter: true, run: cmdReset},
		&command{name: "COMMAND", arity: -1, usage: "COMMAND [COUNT|DOCS|INFO]", run: cmdCommand},
		&command{name: "CONFIG", arity: -2, usage: "CONFIG GET pattern", run: cmdConfig},
		&command{name: "CLIENT", arity: -2, usage: "CLIENT SETNAME name|GETNAME|ID|SETINFO …", run: cmdClient},
		&command{name: "SELECT", arity: 2, usage: "SELECT 0", run: cmdSelect},
	)
}

func cmdPing(c *conn, args [][]byte) error {
	if len(args) > 2 {
		return errorf("wrong number of arguments for 'ping' command")
	}
	if c.pubsub {
		// In subscribe mode Redis answers with a frame clients expect.
		msg := []byte{}
		if len(args) == 2 {
			msg = args[1]
		}
		c.w.Array(2)
		c.w.String("pong")
		c.w.Bulk(msg)
		return nil
	}
	if len(args) == 2 {
		c.w.Bulk(args[1])
	} else {
		c.w.Simple("PONG")
	}
	return nil
}

func cmdEcho(c *conn, args [][]byte) error {
	c.w.Bulk(args[1])
	return nil
}

func cmdAuth(c *conn, args [][]byte) error {
	if len(args) > 3 {
		return errorf("wrong number of arguments for 'auth' command")
	}
	if err := c.checkToken(args[len(args)-1]); err != nil {
		return err
	}
	c.w.Simple("OK")
	return nil
}

func cmdHello(c *conn, args [][]byte) error {
	rest := args[1:]
	if len(rest) > 0 {
		v, err := parseInt("protocol version", rest[0])
		if err != nil {
			return err
		}
		if v != 2 {
			return codeError(codeNoProto, "unsupported protocol version (logdb speaks RESP2 only)")
		}
		rest = rest[1:]
	}
	for len(rest) > 0 {
		switch opt := strings.ToUpper(string(rest[0])); {
		case opt == "AUTH" && len(rest) >= 3:
			if err := c.checkToken(rest[2]); err != nil {
				return err
			}
			rest = rest[3:]
		case opt == "SETNAME" && len(rest) >= 2:
			c.name = string(rest[1])
			rest = rest[2:]
		default:
			return errorf("syntax error in HELLO option '%s'", truncate(string(rest[0]), 64))
		}
	}
	if !c.authed {
		return codeError(codeNoAuth, "HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <token> option can be used to authenticate the client and select the RESP protocol version at the same time")
	}
	st, err := c.srv.storeStats.get(c.ctx)
	if err != nil {
		return err
	}
	c.w.Array(20)
	c.w.String("server")
	c.w.String("logdb")
	c.w.String("version")
	c.w.String(c.srv.opts.Version)
	c.w.String("proto")
	c.w.Int(2)
	c.w.String("id")
	c.w.Int(c.id)
	c.w.String("mode")
	c.w.String("standalone")
	c.w.String("role")
	c.w.String("master")
	c.w.String("modules")
	c.w.Array(0)
	c.w.String("runs")
	c.w.Int(st.Runs)
	c.w.String("lines")
	c.w.Int(st.Lines)
	c.w.String("index_lag")
	c.w.Int(st.IndexLag)
	return nil
}

func cmdQuit(c *conn, args [][]byte) error {
	c.w.Simple("OK")
	return errQuit{}
}

func cmdReset(c *conn, args [][]byte) error {
	c.unsubscribeAll()
	c.authed = c.srv.opts.AuthToken == ""
	c.name = ""
	c.reply(func(w *Writer) { w.Simple("RESET") })
	return nil
}

// cmdInfo answers INFO with "key:value" lines in sections, as Redis does,
// so that redis-cli shows it and client libraries parse it.
func cmdInfo(c *conn, args [][]byte) error {
	if len(args) > 2 {
		return errorf("wrong number of arguments for 'info' command")
	}
	section := "all"
	if len(args) == 2 {
		section = strings.ToLower(string(args[1]))
	}
	var b strings.Builder
	want := func(name string) bool {
		if section == "all" || section == "default" || section == "everything" || section == name {
			if b.Len() > 0 {
				b.WriteString("\r\n")
			}
			fmt.Fprintf(&b, "# %s\r\n", strings.ToUpper(name[:1])+name[1:])
			return true
		}
		return false
	}
	kv := func(k string, v any) { fmt.Fprintf(&b, "%s:%v\r\n", k, v) }
	s := c.srv
	if want("server") {
		kv("logdb_version", s.opts.Version)
		kv("go_version", runtime.Version())
		kv("os", runtime.GOOS+" "+runtime.GOARCH)
		kv("process_id", os.Getpid())
		kv("uptime_in_seconds", int64(time.Since(s.start).Seconds()))
		dir := s.db.Dir()
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs // a client on this machine can tell a path in it
		}
		kv("data_dir", dir)
		kv("tls", boolInt(s.opts.TLSConfig != nil))
		kv("auth", boolInt(s.opts.AuthToken != ""))
	}
	if want("clients") {
		kv("connected_clients", s.numConns())
		kv("ingest_sessions", s.stats.ingests.Load())
		kv("maxclients", s.opts.MaxConns)
		kv("rate_per_client", formatRate(s.opts.Rate))
		kv("rate_burst", s.opts.Burst)
		kv("read_timeout_ms", s.opts.ReadTimeout.Milliseconds())
		kv("idle_timeout_ms", s.opts.IdleTimeout.Milliseconds())
		kv("query_timeout_ms", s.opts.QueryTimeout.Milliseconds())
		kv("query_memory", s.opts.QueryMemory)
		kv("query_memory_total", s.opts.QueryMemoryTotal)
		kv("max_request_bytes", s.opts.MaxRequestBytes)
		kv("max_line_bytes", s.opts.MaxLineBytes)
	}
	if want("store") {
		st, err := s.storeStats.get(c.ctx)
		if err != nil {
			return err
		}
		kv("runs", st.Runs)
		kv("jobs", st.Jobs)
		kv("lines", st.Lines)
		kv("bytes", st.Bytes)
		kv("blocks", st.Blocks)
		kv("unsealed_lines", st.UnsealedLines)
		kv("disk_bytes", st.DiskBytes)
		kv("index_bytes", st.IndexBytes)
		kv("index_ready", boolInt(st.IndexReady))
		kv("index_lag", st.IndexLag)
	}
	if want("stats") {
		kv("total_connections_received", s.stats.conns.Load())
		kv("rejected_connections", s.stats.rejected.Load())
		kv("total_commands_processed", s.stats.commands.Load())
		kv("rate_limited_commands", s.stats.rateLimited.Load())
		kv("auth_failures", s.stats.authFailed.Load())
		kv("auth_refused", s.stats.authRefused.Load())
		kv("appended_lines", s.stats.appended.Load())
		if s.queries != nil {
			kv("query_memory_in_use", s.queries.InUse())
		}
		if s.opts.InfoStats != nil {
			s.opts.InfoStats(kv)
		}
	}
	c.w.String(b.String())
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cmdCommand answers COMMAND with the table, in Redis's shape (name, arity,
// flags, first key, last key, step), COMMAND COUNT with its size, and
// COMMAND DOCS with nothing, so that redis-cli does not show Redis's hints
// for names we share (APPEND).
func cmdCommand(c *conn, args [][]byte) error {
	sub := ""
	if len(args) > 1 {
		sub = strings.ToUpper(string(args[1]))
	}
	switch sub {
	case "":
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		sort.Strings(names)
		c.w.Array(len(names))
		for _, n := range names {
			cmd := commands[n]
			c.w.Array(6)
			c.w.String(strings.ToLower(n))
			c.w.Int(int64(cmd.arity))
			c.w.Array(0)
			c.w.Int(0)
			c.w.Int(0)
			c.w.Int(0)
		}
	case "COUNT":
		c.w.Int(int64(len(commands)))
	case "DOCS", "INFO", "LIST":
		c.w.Array(0)
	default:
		return errorf("unknown subcommand '%s'. Try HELP.", truncate(string(args[1]), 64))
	}
	return nil
}

// cmdConfig answers CONFIG GET with the few parameters tools ask for
// (redis-benchmark asks for save and appendonly) and the server's limits.
func cmdConfig(c *conn, args [][]byte) error {
	if strings.ToUpper(string(args[1])) != "GET" || len(args) < 3 {
		return errorf("CONFIG %s is not supported; logdb is configured by the flags of logdb serve", truncate(string(args[1]), 32))
	}
	o := c.srv.opts
	params := map[string]string{
		"save":       "",
		"appendonly": "no",
		"databases":  "1",
		"maxclients": itoa(int64(o.MaxConns)),
		"timeout":    itoa(int64(o.IdleTimeout / time.Second)),
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range args[2:] {
		pat := strings.ToLower(string(a))
		names := make([]string, 0, len(params))
		for n := range params {
			if ok, _ := path.Match(pat, n); ok && !seen[n] {
				names = append(names, n)
				seen[n] = true
			}
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, n, params[n])
		}
	}
	c.w.Strings(out...)
	return nil
}

func cmdClient(c *conn, args [][]byte) error {
	switch sub := strings.ToUpper(string(args[1])); sub {
	case "SETNAME":
		if len(args) != 3 {
			return errorf("wrong number of arguments for 'client|setname' command")
		}
		c.name = string(args[2])
		c.w.Simple("OK")
	case "GETNAME":
		if c.name == "" {
			c.w.Nil()
		} else {
			c.w.String(c.name)
		}
	case "ID":
		c.w.Int(c.id)
	case "SETINFO", "NO-EVICT", "NO-TOUCH", "REPLY":
		c.w.Simple("OK")
	default:
		return errorf("unknown subcommand '%s'. Try HELP.", truncate(string(args[1]), 64))
	}
	return nil
}

func cmdSelect(c *conn, args [][]byte) error {
	if string(args[1]) != "0" {
		return errorf("DB index is out of range (logdb has one database, 0)")
	}
	c.w.Simple("OK")
	return nil
}

// statsCache keeps engine.Stats for a second: HELLO, which client
// libraries send on every new connection, and INFO would otherwise walk the
// store each time.
type statsCache struct {
	db *engine.DB

	mu   sync.Mutex // guards st, when
	st   engine.Stats
	when time.Time
}

func (sc *statsCache) get(ctx context.Context) (engine.Stats, error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if time.Since(sc.when) < time.Second {
		return sc.st, nil
	}
	st, err := sc.db.Stats(ctx)
	if err != nil {
		return st, err
	}
	sc.st, sc.when = st, time.Now()
	return st, nil
}

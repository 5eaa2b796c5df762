package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/server"
)

// ServerOptions configure RunServer, the benchmark behind `logdb bench
// --server`. The zero value of every field means its default.
type ServerOptions struct {
	// Addr is the server to measure. Default: a new server, in this
	// process, on 127.0.0.1:0 over a new store in a temporary directory,
	// with no rate limit. A server given here must not limit the rate
	// (logdb serve --rate 0).
	Addr  string
	Token string

	// Clients is the number of appending clients, each with its own
	// connection and run. Default 8.
	Clients int
	// Batch is the lines per append in the batched phase. Default 100.
	Batch int
	// Lines is the lines appended in the batched phase. Default 200,000.
	Lines int
	// Readers is the number of reading clients. Default 4.
	Readers int
	// ReadCount is the lines per READ. Default 100.
	ReadCount int
	// Followers follow runs while the batched appends go on, and measure
	// the delay from an append's start to the line's arrival. Default 2.
	Followers int
	// Time is the length of each timed phase (single-line appends, reads,
	// queries, the mixed phase). Default 3s.
	Time time.Duration

	// Log, if set, receives progress lines.
	Log io.Writer
}

func (o *ServerOptions) ensureDefaults() {
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&o.Clients, 8)
	def(&o.Batch, 100)
	def(&o.Lines, 200_000)
	def(&o.Readers, 4)
	def(&o.ReadCount, 100)
	def(&o.Followers, 2)
	if o.Time == 0 {
		o.Time = 3 * time.Second
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Validate reports options that cannot work.
func (o *ServerOptions) Validate() error {
	if o.Clients < 0 || o.Batch < 0 || o.Lines < 0 || o.Readers < 0 || o.ReadCount < 0 || o.Followers < 0 || o.Time < 0 {
		return errors.New("server benchmark counts and times must not be negative")
	}
	return nil
}

// A ServerReport is the result of RunServer.
type ServerReport struct {
	Time    time.Time `json:"time"`
	Machine Machine   `json:"machine"`
	Addr    string    `json:"addr"`    // the server measured
	InProc  bool      `json:"in_proc"` // the server ran in the benchmark's process
	Clients int       `json:"clients"` // appending clients
	Readers int       `json:"readers"` // reading clients
	Batch   int       `json:"batch"`   // lines per batched append
	Phases  []Phase   `json:"phases"`  // in the order run
	Notes   []string  `json:"notes,omitempty"`
	Stored  int64     `json:"stored"`   // lines in the store at the end
	Verify  string    `json:"verified"` // what was checked at the end
}

// A Phase is one workload run against the server: the requests of each
// kind it made, their rate and latency.
type Phase struct {
	Name    string   `json:"name"`
	Seconds float64  `json:"seconds"`
	Ops     []OpStat `json:"ops"`
}

// An OpStat is one kind of request of a phase.
type OpStat struct {
	Op          string  `json:"op"`       // append, read, query, follow
	Requests    int64   `json:"requests"` // requests made (lines delivered for follow)
	Lines       int64   `json:"lines"`    // lines appended or read
	PerSec      float64 `json:"per_sec"`  // requests per second
	LinesPerSec float64 `json:"lines_per_sec"`
	Timing      Timing  `json:"latency"` // per request; for follow, append start to arrival
}

// RunServer runs the server benchmark: batched appends by Clients clients
// with Followers following, single-line appends, READs of ReadCount lines
// at random places, QUERY pages, and all of it at once; then it checks
// that the store holds exactly the lines acknowledged.
func RunServer(ctx context.Context, o ServerOptions) (*ServerReport, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o.ensureDefaults()
	rep := &ServerReport{Time: time.Now().UTC().Truncate(time.Second), Machine: machineInfo(),
		Clients: o.Clients, Readers: o.Readers, Batch: o.Batch}
	addr := o.Addr
	if addr == "" {
		dir, err := os.MkdirTemp("", "logdb-bench-server-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		db, err := engine.Open(dir, nil)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		srv, err := server.New(db, &server.Options{Rate: -1})
		if err != nil {
			return nil, err
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		go srv.Serve(l)
		defer srv.Shutdown(context.Background())
		addr = l.Addr().String()
		rep.InProc = true
		rep.Notes = append(rep.Notes, "server and clients share the machine's cores; appends are durable (fsync) as in logdb serve")
	}
	rep.Addr = addr
	b := &serverBench{o: o, addr: addr, prefix: fmt.Sprintf("bench-%d", time.Now().UnixNano()%1e6)}
	b.pool = messagePool(20000)

	fmt.Fprintf(o.Log, "bench: server at %s; %d clients appending %d lines in batches of %d with %d followers…\n", addr, o.Clients, o.Lines, o.Batch, o.Followers)
	ph, err := b.batched(ctx)
	if err != nil {
		return nil, err
	}
	rep.Phases = append(rep.Phases, ph)
	fmt.Fprintf(o.Log, "bench: %d clients appending one line per request for %v…\n", o.Clients, o.Time)
	if ph, err = b.timed(ctx, "append_single", o.Clients, 0, 0); err != nil {
		return nil, err
	}
	rep.Phases = append(rep.Phases, ph)
	fmt.Fprintf(o.Log, "bench: %d readers reading %d lines at random places for %v…\n", o.Readers, o.ReadCount, o.Time)
	if ph, err = b.timed(ctx, "read", 0, o.Readers, 0); err != nil {
		return nil, err
	}
	rep.Phases = append(rep.Phases, ph)
	fmt.Fprintf(o.Log, "bench: %d clients querying pages of 100 for %v…\n", o.Readers, o.Time)
	if ph, err = b.timed(ctx, "query", 0, 0, o.Readers); err != nil {
		return nil, err
	}
	rep.Phases = append(rep.Phases, ph)
	fmt.Fprintf(o.Log, "bench: all at once for %v…\n", o.Time)
	if ph, err = b.timed(ctx, "mixed", o.Clients, o.Readers, 1); err != nil {
		return nil, err
	}
	rep.Phases = append(rep.Phases, ph)

	// Every acknowledged line is stored, once.
	c, err := client.Dial(ctx, addr, &client.Options{Token: o.Token})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	for i := 0; i < o.Clients; i++ {
		for _, job := range []string{b.job(i), b.job(i) + "-single"} {
			info, err := c.Run(ctx, job, 0)
			if err != nil {
				return nil, fmt.Errorf("run %s: %w", job, err)
			}
			if want := b.acked[job]; info.Lines != want {
				return nil, fmt.Errorf("run %s holds %d lines, %d were acknowledged", job, info.Lines, want)
			}
			rep.Stored += info.Lines
		}
	}
	rep.Verify = fmt.Sprintf("%d runs hold exactly the %d lines acknowledged; every follower saw its lines in order", 2*o.Clients, rep.Stored)
	return rep, nil
}

// serverBench holds the state shared by the phases.
type serverBench struct {
	o      ServerOptions
	addr   string
	prefix string
	pool   []engine.Entry

	mu    sync.Mutex // guards acked
	acked map[string]int64
}

func (b *serverBench) job(i int) string { return fmt.Sprintf("%s-%02d", b.prefix, i) }

func (b *serverBench) ack(job string, last int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.acked == nil {
		b.acked = map[string]int64{}
	}
	b.acked[job] = max(b.acked[job], last)
}

// messagePool returns n lines of the synthetic workload, for their
// messages, levels and labels.
func messagePool(n int) []engine.Entry {
	w := Workload{Lines: n, Seed: 1, Start: time.Now().Add(-time.Hour), Span: time.Hour}
	out := make([]engine.Entry, 0, n)
	w.Generate(func(e *engine.Entry) {
		c := *e
		c.Labels = append(engine.Labels(nil), e.Labels...)
		out = append(out, c)
	})
	return out
}

func (b *serverBench) dial(ctx context.Context) (*client.Client, error) {
	return client.Dial(ctx, b.addr, &client.Options{Token: b.o.Token})
}

// batched is the first phase: each client appends its share of Lines in
// batches to its own run, while followers follow some runs from line 1.
func (b *serverBench) batched(ctx context.Context) (Phase, error) {
	o := b.o
	per := o.Lines / o.Clients / o.Batch
	if per == 0 {
		per = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Followers: the delay from an append's start (the line's time) to
	// its arrival.
	type followResult struct {
		delays []time.Duration
		lines  int64
		err    error
	}
	fres := make(chan followResult, o.Followers)
	for f := 0; f < o.Followers; f++ {
		c, err := b.dial(ctx)
		if err != nil {
			return Phase{}, err
		}
		defer c.Close()
		fl, err := c.Follow(ctx, engine.ReadRequest{Job: b.job(f % o.Clients), Attempt: 0})
		if err != nil {
			return Phase{}, err
		}
		go func() {
			defer fl.Close()
			var r followResult
			for fl.Next() {
				e := fl.Entry()
				if e.Line != r.lines+1 {
					r.err = fmt.Errorf("follower: line %d after %d", e.Line, r.lines)
					break
				}
				r.lines++
				r.delays = append(r.delays, time.Since(time.Unix(0, e.Time)))
			}
			if r.err == nil && fl.End() == nil {
				r.err = fl.Err()
			}
			fres <- r
		}()
	}

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		lat   []time.Duration
		errs  = make(chan error, o.Clients)
		lines atomic.Int64
	)
	start := time.Now()
	for i := 0; i < o.Clients; i++ {
		c, err := b.dial(ctx)
		if err != nil {
			return Phase{}, err
		}
		defer c.Close()
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			job := b.job(i)
			es := make([]engine.Entry, o.Batch)
			var my []time.Duration
			for k := 0; k < per; k++ {
				t := time.Now()
				for j := range es {
					es[j] = b.pool[(i*7919+k*o.Batch+j)%len(b.pool)]
					es[j].Job, es[j].Attempt, es[j].Time = job, 0, t.UnixNano()
				}
				got, err := c.Append(ctx, es...)
				if err != nil {
					errs <- err
					return
				}
				my = append(my, time.Since(t))
				lines.Add(int64(len(got)))
				b.ack(job, got[len(got)-1])
			}
			if err := c.FinishRun(ctx, job, 0, engine.RunResult{Status: engine.Success}); err != nil {
				errs <- err
				return
			}
			mu.Lock()
			lat = append(lat, my...)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		return Phase{}, err
	}
	ph := Phase{Name: "append_batched", Seconds: elapsed.Seconds()}
	ph.Ops = append(ph.Ops, opStat("append", int64(len(lat)), lines.Load(), elapsed, lat))
	var fl []time.Duration
	var delivered int64
	for f := 0; f < o.Followers; f++ {
		r := <-fres
		if r.err != nil {
			return Phase{}, r.err
		}
		if want := int64(per * o.Batch); r.lines != want {
			return Phase{}, fmt.Errorf("a follower saw %d lines of %d", r.lines, want)
		}
		fl = append(fl, r.delays...)
		delivered += r.lines
	}
	if o.Followers > 0 {
		ph.Ops = append(ph.Ops, opStat("follow", delivered, delivered, elapsed, fl))
	}
	return ph, nil
}

// timed runs appenders (one line per request, to runs of their own),
// readers (READ of ReadCount lines at a random place of a batched run) and
// queriers (a QUERY page of 100 for a word) for o.Time.
func (b *serverBench) timed(ctx context.Context, name string, appenders, readers, queriers int) (Phase, error) {
	o := b.o
	ctx, cancel := context.WithTimeout(ctx, o.Time)
	defer cancel()
	type result struct {
		op    string
		lat   []time.Duration
		lines int64
		err   error
	}
	results := make(chan result, appenders+readers+queriers)
	worker := func(op string, i int, step func(c *client.Client, r *rand.Rand) (int64, error)) {
		c, err := b.dial(context.Background())
		if err != nil {
			results <- result{op: op, err: err}
			return
		}
		defer c.Close()
		r := rand.New(rand.NewSource(int64(i) + 1))
		var res result
		res.op = op
		for ctx.Err() == nil {
			t := time.Now()
			n, err := step(c, r)
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
					break // the phase is over
				}
				res.err = err
				break
			}
			res.lat = append(res.lat, time.Since(t))
			res.lines += n
		}
		results <- res
	}
	total := int64(o.Lines / o.Clients / o.Batch * o.Batch)
	start := time.Now()
	for i := 0; i < appenders; i++ {
		go worker("append", i, func(c *client.Client, r *rand.Rand) (int64, error) {
			e := b.pool[r.Intn(len(b.pool))]
			e.Job, e.Attempt, e.Time = b.job(i)+"-single", 0, 0
			// Not ctx: an append is not cut short; the phase ends after it.
			got, err := c.Append(context.Background(), e)
			if err != nil {
				return 0, err
			}
			b.ack(e.Job, got[0])
			return 1, nil
		})
	}
	for i := 0; i < readers; i++ {
		go worker("read", 100+i, func(c *client.Client, r *rand.Rand) (int64, error) {
			from := 1 + r.Int63n(max(total-int64(o.ReadCount), 1))
			p, err := c.Read(ctx, engine.ReadRequest{Job: b.job(r.Intn(o.Clients)), Attempt: 0, From: from, Count: o.ReadCount})
			if err != nil {
				return 0, err
			}
			if len(p.Entries) != min(o.ReadCount, int(total-from+1)) {
				return 0, fmt.Errorf("READ from %d returned %d lines", from, len(p.Entries))
			}
			return int64(len(p.Entries)), nil
		})
	}
	words := []string{"timeout", "retry", "connection", "failed", "orders"}
	for i := 0; i < queriers; i++ {
		go worker("query", 200+i, func(c *client.Client, r *rand.Rand) (int64, error) {
			v, err := c.Do(ctx, "QUERY", words[r.Intn(len(words))]+" job="+b.job(r.Intn(o.Clients)), "COUNT", "100")
			if err != nil {
				return 0, err
			}
			a, _ := v.([]any)
			if len(a) < 2 {
				return 0, fmt.Errorf("QUERY answered %v", v)
			}
			rows, _ := a[1].([]any)
			return int64(len(rows)), nil
		})
	}
	byOp := map[string]*result{}
	for k := 0; k < appenders+readers+queriers; k++ {
		r := <-results
		if r.err != nil {
			return Phase{}, fmt.Errorf("%s: %s: %w", name, r.op, r.err)
		}
		if byOp[r.op] == nil {
			byOp[r.op] = &result{op: r.op}
		}
		byOp[r.op].lat = append(byOp[r.op].lat, r.lat...)
		byOp[r.op].lines += r.lines
	}
	elapsed := time.Since(start)
	ph := Phase{Name: name, Seconds: elapsed.Seconds()}
	for _, op := range []string{"append", "read", "query"} {
		if r := byOp[op]; r != nil {
			ph.Ops = append(ph.Ops, opStat(op, int64(len(r.lat)), r.lines, elapsed, r.lat))
		}
	}
	return ph, nil
}

func opStat(op string, requests, lines int64, d time.Duration, lat []time.Duration) OpStat {
	s := OpStat{Op: op, Requests: requests, Lines: lines, PerSec: float64(requests) / d.Seconds(), LinesPerSec: float64(lines) / d.Seconds()}
	s.Timing.Name, s.Timing.Kind = op, "server"
	s.Timing.setSamples(lat)
	return s
}

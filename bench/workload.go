package bench

import (
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// Workload describes a synthetic run-log workload.
type Workload struct {
	Lines int       // total lines
	Seed  int64     // random seed
	Start time.Time // time of the first line; lines span Span from it
	Span  time.Duration
	// Concurrent is how many runs write at a time. Default 8.
	Concurrent int
}

var (
	flows      = []string{"etl-orders", "etl-users", "etl-billing", "sync-crm", "sync-erp", "report-daily", "report-weekly", "ingest-clicks", "ingest-events", "backup-db", "export-s3", "import-ftp", "notify-mail", "index-search", "ml-train", "ml-score", "cleanup-tmp", "audit-log", "rollup-metrics", "etl-inventory"}
	envs       = []string{"prod", "prod", "prod", "staging", "dev"}
	apps       = []string{"billing", "crm", "warehouse", "gateway", "scheduler", "analytics", "mailer", "search", "auth", "storage"}
	components = []string{"http", "db", "cache", "queue", "worker", "parser", "uploader", "scheduler"}
	tables     = []string{"orders", "users", "invoices", "events", "sessions", "payments", "items", "accounts"}
	hosts      = []string{"api.internal", "db-primary.internal", "cache-01.internal", "s3.amazonaws.com", "mq.internal", "search-02.internal"}
	verbs      = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	paths      = []string{"/api/v1/users", "/api/v1/orders", "/api/v2/invoices", "/api/v1/items", "/api/v1/accounts", "/api/v2/payments"}
	steps      = []string{"extract", "validate", "transform", "enrich", "deduplicate", "load", "verify", "publish", "archive", "notify"}
	topics     = []string{"orders.created", "users.updated", "payments.settled", "events.raw", "audit.log"}
	classes    = []string{"OrderProcessor", "InvoiceWriter", "UserSync", "PaymentGateway", "ReportBuilder"}
	agents     = []string{"curl/8.5.0", "Go-http-client/1.1", "python-requests/2.31.0", "okhttp/4.12.0", "Mozilla/5.0 (X11; Linux x86_64)"}
)

// run is the state of one run while its lines are generated: real jobs
// repeat their ids, count their batches up and move their offsets forward,
// so the variables of a message are not all random.
type run struct {
	job            string
	left           int
	flow, env, app string
	tenant         string
	request        string // the current request id; changes every few lines
	batch, total   int
	offset         int64
	step           int
	bucket         string
}

// Generate calls fn for every line of the workload, in time order. fn must
// not keep the entry.
func (w *Workload) Generate(fn func(*engine.Entry)) {
	r := rand.New(rand.NewSource(w.Seed))
	conc := w.Concurrent
	if conc == 0 {
		conc = 8
	}
	span := w.Span
	if span == 0 {
		span = 24 * time.Hour
	}
	start := w.Start.UnixNano()
	step := int64(span) / int64(max(w.Lines, 1))

	active := make([]*run, 0, conc)
	nextJob := 0
	newRun := func() *run {
		nextJob++
		return &run{
			job:     fmt.Sprintf("job-%05d-%04x", nextJob, r.Intn(1<<16)),
			left:    100 + r.Intn(1901),
			flow:    flows[r.Intn(len(flows))],
			env:     envs[r.Intn(len(envs))],
			app:     apps[r.Intn(len(apps))],
			tenant:  fmt.Sprintf("tenant-%02d", r.Intn(50)),
			request: uuid(r),
			total:   100 + r.Intn(900),
			offset:  r.Int63n(1 << 32),
			bucket:  fmt.Sprintf("logdb-%s-exports", envs[r.Intn(len(envs))]),
		}
	}
	var (
		e  engine.Entry
		sb strings.Builder
	)
	labels := make(engine.Labels, 4)
	for i := 0; i < w.Lines; i++ {
		for len(active) < conc {
			active = append(active, newRun())
		}
		k := r.Intn(len(active))
		rn := active[k]
		sb.Reset()
		e.Level = message(r, &sb, rn)
		labels[0] = engine.Label{Name: "app", Value: rn.app}
		labels[1] = engine.Label{Name: "component", Value: components[r.Intn(len(components))]}
		labels[2] = engine.Label{Name: "env", Value: rn.env}
		labels[3] = engine.Label{Name: "flow", Value: rn.flow}
		e.Job, e.Attempt = rn.job, 0
		e.Time = start + int64(i)*step + r.Int63n(max(step, 1))
		e.Message = sb.String()
		e.Labels = labels
		fn(&e)
		if rn.left--; rn.left == 0 {
			active[k] = active[len(active)-1]
			active = active[:len(active)-1]
		}
	}
}

// message writes a message of 60 to 200 bytes and returns its level:
// 80% Info, 10% Debug, 7% Warn, 3% Error. The word "timeout" is in 0.7% of
// the lines: 0.6% errors and 0.1% warnings. Messages are templates with a
// few variables, as real log lines are.
func message(r *rand.Rand, sb *strings.Builder, rn *run) engine.Level {
	if r.Intn(4) == 0 {
		rn.request = uuid(r)
	}
	ms := func(n int) int { return 1 + r.Intn(n) }
	host := hosts[r.Intn(len(hosts))]
	table := tables[r.Intn(len(tables))]
	p := r.Intn(1000)
	var lvl engine.Level
	switch {
	case p < 800:
		lvl = engine.Info
		switch r.Intn(11) {
		case 0:
			fmt.Fprintf(sb, "%s %s/%d %d %dms %dB request_id=%s", verbs[r.Intn(len(verbs))], paths[r.Intn(len(paths))], 1+r.Intn(100000), []int{200, 200, 200, 201, 204, 304}[r.Intn(6)], ms(900), 100+r.Intn(20000), rn.request)
		case 1:
			rn.batch++
			fmt.Fprintf(sb, "processed batch %d of %d for %s: %d rows written to %s in %dms", rn.batch, rn.total, rn.tenant, 1+r.Intn(5000), table, ms(3000))
		case 2:
			fmt.Fprintf(sb, "connected to %s:%d after %dms (pool size %d, idle %d)", host, []int{443, 5432, 6379, 9092, 9200}[r.Intn(5)], ms(200), 8<<r.Intn(4), r.Intn(8))
		case 3:
			rn.offset += int64(1 + r.Intn(500))
			fmt.Fprintf(sb, "checkpoint saved for partition %d at offset %d (lag %d messages)", r.Intn(16), rn.offset, r.Intn(2000))
		case 4:
			rn.step = (rn.step + 1) % len(steps)
			fmt.Fprintf(sb, "step %d/%d '%s' completed in %dms; next step '%s' scheduled on worker-%d", rn.step+1, len(steps), steps[rn.step], ms(60000), steps[(rn.step+1)%len(steps)], r.Intn(16))
		case 5:
			fmt.Fprintf(sb, "uploaded part-%05d.parquet (%d KiB) to s3://%s/%s/%s/ in %dms", rn.batch, 64+r.Intn(8192), rn.bucket, rn.flow, rn.tenant, ms(5000))
		case 6:
			fmt.Fprintf(sb, "heartbeat: %d of %d items done, %d items/s, eta %ds", rn.batch*10+r.Intn(10), rn.total*10, 50+r.Intn(950), r.Intn(3600))
		case 7:
			rn.offset += int64(1 + r.Intn(500))
			fmt.Fprintf(sb, "received %d records from topic %s partition %d, committing offsets up to %d", 1+r.Intn(500), topics[r.Intn(len(topics))], r.Intn(16), rn.offset)
		case 8:
			fmt.Fprintf(sb, "query on table %s returned %d rows in %dms using index %s_%s_idx", table, r.Intn(10000), ms(300), table, []string{"id", "created_at", "tenant_id", "status"}[r.Intn(4)])
		case 9:
			fmt.Fprintf(sb, "config reloaded from /etc/%s/%s.yaml by %s: %d keys changed (batch.size, pool.max, retry.backoff, upload.part_size), %d unchanged; flags fast-path=on strict-schema=off", rn.app, rn.app, rn.job, 1+r.Intn(4), 20+r.Intn(80))
		default:
			fmt.Fprintf(sb, "HTTP request completed: method=%s path=%s/%d status=200 duration_ms=%d user_agent=%q", verbs[r.Intn(len(verbs))], paths[r.Intn(len(paths))], 1+r.Intn(100000), ms(900), agents[r.Intn(len(agents))])
		}
	case p < 900:
		lvl = engine.Debug
		switch r.Intn(3) {
		case 0:
			fmt.Fprintf(sb, "cache %s for key %s:%d (ttl %ds, %d bytes) request_id=%s", []string{"hit", "hit", "miss"}[r.Intn(3)], table, 1+r.Intn(100000), 60*(1+r.Intn(60)), 100+r.Intn(10000), rn.request)
		case 1:
			fmt.Fprintf(sb, "sql: SELECT id, tenant_id, status, created_at FROM %s WHERE id = $1 args=[%d]", table, 1+r.Intn(100000))
		default:
			fmt.Fprintf(sb, "retrying %s on %s in %dms (attempt %d of 5)", []string{"connect", "write", "flush", "commit"}[r.Intn(4)], host, 100<<r.Intn(5), 1+r.Intn(5))
		}
	case p < 970:
		lvl = engine.Warn
		switch {
		case p < 901: // 0.1% of all lines
			fmt.Fprintf(sb, "slow response from %s, read timeout approaching (%dms of 30000ms)", host, 20000+r.Intn(10000))
		case p < 930:
			fmt.Fprintf(sb, "slow query on table %s took %dms rows=%d plan=seq_scan", table, 1000+r.Intn(9000), r.Intn(1000000))
		case p < 950:
			fmt.Fprintf(sb, "disk usage on /data is %d%% (warning threshold 85%%), %d GiB free", 85+r.Intn(15), 1+r.Intn(50))
		default:
			fmt.Fprintf(sb, "deprecated config key %s.batch_size used in /etc/%s/%s.yaml; use %s.batch.size instead", rn.app, rn.app, rn.app, rn.app)
		}
	default:
		lvl = engine.Error
		switch {
		case p < 976: // 0.6% of all lines
			fmt.Fprintf(sb, "request %s failed: upstream timeout after %dms calling %s", rn.request, 30000+r.Intn(1000), host)
		case p < 985:
			fmt.Fprintf(sb, "request %s failed: connection reset by peer %s:%d", rn.request, host, []int{443, 5432, 6379, 9092}[r.Intn(4)])
		case p < 993:
			fmt.Fprintf(sb, "failed to write batch %d to %s: duplicate key value violates unique constraint \"%s_pkey\"", rn.batch, table, table)
		default:
			c := classes[r.Intn(len(classes))]
			fmt.Fprintf(sb, "java.lang.NullPointerException: null at com.example.%s.%s.process(%s.java:%d)", rn.app, c, c, 20+r.Intn(400))
		}
	}
	// Short messages get the flow's context, as many loggers add it.
	for sb.Len() < 60 {
		fmt.Fprintf(sb, " [flow=%s tenant=%s]", rn.flow, rn.tenant)
	}
	return lvl
}

func uuid(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a), uint16(b>>48), b&(1<<48-1))
}

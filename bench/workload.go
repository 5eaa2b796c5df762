package bench

import (
	"fmt"
	"math/rand"
	"strconv"
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
	verbs      = []string{"GET", "POST", "PUT", "DELETE"}
	paths      = []string{"/api/v1/users", "/api/v1/orders", "/api/v2/invoices", "/healthz", "/api/v1/items", "/internal/metrics"}
	padWords   = []string{"stage", "step", "phase", "region", "shard", "partition", "checkpoint", "offset", "window", "retry", "mode", "source", "sink"}
)

type run struct {
	job                         string
	left                        int
	flow, env, app, batchPrefix string
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
			job:         fmt.Sprintf("job-%05d-%04x", nextJob, r.Intn(1<<16)),
			left:        100 + r.Intn(1901),
			flow:        flows[r.Intn(len(flows))],
			env:         envs[r.Intn(len(envs))],
			app:         apps[r.Intn(len(apps))],
			batchPrefix: strconv.FormatInt(r.Int63n(1<<40), 36),
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
// the lines: 0.6% errors and 0.1% warnings.
func message(r *rand.Rand, sb *strings.Builder, rn *run) engine.Level {
	p := r.Intn(1000)
	var lvl engine.Level
	switch {
	case p < 800:
		lvl = engine.Info
		switch r.Intn(5) {
		case 0:
			fmt.Fprintf(sb, "%s %s%s status=%d duration=%dms bytes=%d", verbs[r.Intn(len(verbs))], paths[r.Intn(len(paths))], idSuffix(r), 200+r.Intn(2)*4, r.Intn(900)+1, r.Intn(50000))
		case 1:
			fmt.Fprintf(sb, "processed batch %s-%d of %d rows from table %s in %dms", rn.batchPrefix, r.Intn(10000), r.Intn(5000)+1, tables[r.Intn(len(tables))], r.Intn(3000))
		case 2:
			fmt.Fprintf(sb, "connected to %s:%d after %dms (pool size %d)", hosts[r.Intn(len(hosts))], 1024+r.Intn(60000), r.Intn(200), 1+r.Intn(64))
		case 3:
			fmt.Fprintf(sb, "checkpoint saved offset=%d partition=%d lag=%d", r.Int63n(1<<40), r.Intn(64), r.Intn(10000))
		default:
			fmt.Fprintf(sb, "task %s step %d/%d completed, next run scheduled", uuid(r), r.Intn(20)+1, 20)
		}
	case p < 900:
		lvl = engine.Debug
		fmt.Fprintf(sb, "cache %s key=%x ttl=%ds size=%d", []string{"hit", "miss"}[r.Intn(2)], r.Int63(), r.Intn(3600), r.Intn(100000))
	case p < 970:
		lvl = engine.Warn
		if p < 901 { // 0.1% of all lines
			fmt.Fprintf(sb, "slow response from %s, read timeout approaching (%dms of 30000ms)", hosts[r.Intn(len(hosts))], 20000+r.Intn(10000))
		} else {
			fmt.Fprintf(sb, "slow query on table %s took %dms rows=%d plan=seq_scan", tables[r.Intn(len(tables))], 1000+r.Intn(9000), r.Intn(1000000))
		}
	default:
		lvl = engine.Error
		if p < 976 { // 0.6% of all lines
			fmt.Fprintf(sb, "request %s failed: upstream timeout after %dms calling %s", uuid(r), 30000+r.Intn(1000), hosts[r.Intn(len(hosts))])
		} else {
			fmt.Fprintf(sb, "request %s failed: connection reset by peer %s:%d", uuid(r), hosts[r.Intn(len(hosts))], 1024+r.Intn(60000))
		}
	}
	// Pad to a length between 60 and 200 bytes.
	target := 60 + r.Intn(141)
	for sb.Len() < target {
		sb.WriteByte(' ')
		sb.WriteString(padWords[r.Intn(len(padWords))])
		sb.WriteByte('=')
		sb.WriteString(strconv.Itoa(r.Intn(1000)))
	}
	return lvl
}

func idSuffix(r *rand.Rand) string {
	if r.Intn(2) == 0 {
		return ""
	}
	return "/" + strconv.Itoa(r.Intn(1000000))
}

func uuid(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a), uint16(b>>48), b&(1<<48-1))
}

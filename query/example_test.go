package query_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

func ExampleParse() {
	q, err := query.Parse(`level>=warn "connection reset" -job=canary-* | sort by time desc | head 20`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q)
	fmt.Print(query.Tree(q.Filter))

	_, err = query.Parse("level=Eror timeout")
	fmt.Println(err)
	// Output:
	// level>=warn "connection reset" NOT job=canary-* | sort by time desc | limit 20
	// And 1:1
	//   And 1:1
	//     Compare level >= "warn" (value 1:8) 1:1
	//     Phrase "connection reset" 1:13
	//   Not 1:32
	//     Compare job = "canary-*" (value 1:37) 1:33
	// 1:7: unknown level "Eror" (want one of Trace, Debug, Info, Warn, Error, Fatal or an alias such as warning, err, E)
	// level=Eror timeout
	//       ^
}

func ExampleRun() {
	dir, err := os.MkdirTemp("", "logdb-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	db, err := engine.Open(dir, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	ctx := context.Background()
	t0 := time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC).UnixNano()
	_, err = db.Append(ctx,
		engine.Entry{Job: "etl-1", Time: t0, Level: engine.Info, Message: "run start"},
		engine.Entry{Job: "etl-1", Time: t0 + 1e9, Level: engine.Error, Message: "db timeout"},
		engine.Entry{Job: "etl-1", Time: t0 + 2e9, Level: engine.Info, Message: "retrying"},
		engine.Entry{Job: "etl-2", Time: t0 + 3e9, Level: engine.Error, Message: "disk full"},
	)
	if err != nil {
		fmt.Println(err)
		return
	}

	for _, src := range []string{"timeout | context 1", "level=Error | count by job", "| stats by (_time:2s) count(), count_uniq(job) as jobs"} {
		rows, err := query.Run(ctx, db, query.MustParse(src), query.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		w, _ := output.NewWriter(os.Stdout, "json")
		for rows.Next() {
			w.Write(rows.Row())
		}
		if err := rows.Close(); err != nil {
			fmt.Println(err)
		}
		w.Flush()
	}
	// Output:
	// {"time":"2025-03-20T10:00:00.000000000Z","level":"Info","job":"etl-1","attempt":0,"line":1,"msg":"run start","context":true}
	// {"time":"2025-03-20T10:00:01.000000000Z","level":"Error","job":"etl-1","attempt":0,"line":2,"msg":"db timeout"}
	// {"time":"2025-03-20T10:00:02.000000000Z","level":"Info","job":"etl-1","attempt":0,"line":3,"msg":"retrying","context":true}
	// {"job":"etl-1","count":1}
	// {"job":"etl-2","count":1}
	// {"_time":"2025-03-20T10:00:00.000000000Z","count":2,"jobs":1}
	// {"_time":"2025-03-20T10:00:02.000000000Z","count":2,"jobs":2}
}

func ExampleParseZone() {
	t := time.Date(2025, 3, 20, 10, 30, 0, 0, time.UTC)
	for _, s := range []string{"UTC", "+08:00", "-0530", "Asia/Shanghai", "Mars/Olympus"} {
		loc, err := query.ParseZone(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(t.In(loc).Format(time.RFC3339), loc)
	}
	// Output:
	// 2025-03-20T10:30:00Z UTC
	// 2025-03-20T18:30:00+08:00 +08:00
	// 2025-03-20T05:00:00-05:30 -05:30
	// 2025-03-20T18:30:00+08:00 Asia/Shanghai
	// unknown time zone "Mars/Olympus" (want UTC, Local, an offset such as +08:00 or a name such as Asia/Shanghai)
}

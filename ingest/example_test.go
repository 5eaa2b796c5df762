package ingest_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/logdb/logdb/ingest"
)

// Read a GitHub Actions log, a Kafka log and a JSON log, printing each
// entry's line, time, level, message and labels.
func ExampleReader() {
	files := map[string]string{
		"gha.log": "2022-04-27T19:35:18.0513221Z Run make test\r\n" +
			"2022-04-27T19:35:19.5000000Z ##[error]Process completed with exit code 2.\r\n",
		"kafka.log": "[2016-12-19 20:39:48,918] WARN Error in fetch (kafka.server.ReplicaFetcherThread)\n" +
			"java.io.IOException: Connection to 2 was disconnected\n",
		"app.json": `{"ts":1700000000.25,"level":"error","msg":"upload failed","req":{"id":"r1"},"retries":3}` + "\n" +
			"not json\n",
	}
	for _, name := range []string{"gha.log", "kafka.log", "app.json"} {
		r := ingest.NewReader(strings.NewReader(files[name]), name, ingest.Options{
			Job:      "ci",
			Location: time.UTC,
			Now:      func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) },
		})
		for {
			e, err := r.Read()
			if err == io.EOF {
				break
			}
			var le *ingest.LineError
			if errors.As(err, &le) {
				fmt.Println("skipped:", le)
				continue
			}
			if err != nil {
				fmt.Println("error:", err)
				break
			}
			fmt.Printf("%s:%d %s %-5s %q [%v]\n", name, e.Line,
				e.Timestamp().Format("2006-01-02T15:04:05.000"), e.Level, e.Message, e.Labels)
		}
	}
	// Output:
	// gha.log:1 2022-04-27T19:35:18.051       "2022-04-27T19:35:18.0513221Z Run make test" []
	// gha.log:2 2022-04-27T19:35:19.500 Error "2022-04-27T19:35:19.5000000Z ##[error]Process completed with exit code 2." []
	// kafka.log:1 2016-12-19T20:39:48.918 Warn  "[2016-12-19 20:39:48,918] WARN Error in fetch (kafka.server.ReplicaFetcherThread)" []
	// kafka.log:2 2016-12-19T20:39:48.918 Warn  "java.io.IOException: Connection to 2 was disconnected" []
	// app.json:1 2023-11-14T22:13:20.250 Error "upload failed" [req.id=r1 retries=3]
	// skipped: app.json:2: invalid JSON: invalid character 'o' in literal null (expecting 'u') at byte 2
}

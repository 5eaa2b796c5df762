package ship

import (
	"errors"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// fuzzOptions keep the limit small, so that fuzzing reaches it.
var fuzzOptions = Options{MaxLineBytes: 256, Location: time.UTC, Now: func() time.Time { return time.Unix(1796700000, 0) }}

// checkRecords asserts what every decoder promises: records within the
// line limit that map onto entries with a job, or a *RecordError wrapping
// one of the package's reasons.
func checkRecords(t *testing.T, recs []Record, err error) {
	t.Helper()
	if err != nil {
		var re *RecordError
		if !errors.As(err, &re) || !(errors.Is(err, ErrMalformed) || errors.Is(err, ErrTooLong) || errors.Is(err, ErrBadField)) {
			t.Fatalf("error %v (%T) is not a *RecordError with a reason", err, err)
		}
		return
	}
	mp, err := Mapping{AttemptField: "attempt", TimeField: "t"}.Compile(Loki)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if len(recs[i].Message) > fuzzOptions.MaxLineBytes {
			t.Fatalf("record %d is %d bytes, over the limit", i, len(recs[i].Message))
		}
		e, err := mp.Entry(&recs[i])
		if err == nil && e.Job == "" {
			t.Fatalf("record %d maps onto no job", i)
		}
	}
}

func FuzzDecodeJSONLines(f *testing.F) {
	f.Add([]byte(`{"_time":"2026-12-08T01:00:00Z","level":"info","_msg":"one","job":"build","attempt":1}` + "\n" + `{"ts":1.5,"msg":"x","n":{"a":[1,2]}}`))
	f.Add([]byte("{\"msg\": nope}\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := DecodeJSONLines(b, fuzzOptions)
		checkRecords(t, recs, err)
	})
}

func FuzzDecodeESBulk(f *testing.F) {
	f.Add([]byte(`{"create":{"_index":"i"}}` + "\n" + `{"message":"m","@timestamp":"2026-12-08T01:00:00Z"}` + "\n" + `{"delete":{"_id":"1"}}` + "\n"))
	f.Add([]byte(`{"index":{}}` + "\n" + "not json\n" + `{"update":{}}` + "\n{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := DecodeESBulk(b, "idx", fuzzOptions)
		var recs []Record
		for _, it := range items {
			if (it.Record == nil) == (it.Err == nil) {
				t.Fatalf("item %+v has both or neither of a record and an error", it)
			}
			if it.Record != nil {
				recs = append(recs, *it.Record)
			} else {
				checkRecords(t, nil, it.Err)
			}
		}
		checkRecords(t, recs, err)
	})
}

func FuzzDecodeLokiJSON(f *testing.F) {
	f.Add([]byte(`{"streams":[{"stream":{"job":"a","level":"warn"},"values":[["1796700000000000000","line"],["1","x",{"k":"v"}]]}]}`))
	f.Add([]byte(`{"streams":[{"values":[["x"]]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := DecodeLokiJSON(b, fuzzOptions)
		checkRecords(t, recs, err)
	})
}

func FuzzDecodeLokiProtobuf(f *testing.F) {
	// testdata/fuzz/FuzzDecodeLokiProtobuf holds a whole PushRequest.
	f.Add([]byte("\x0a\x05{job"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := DecodeLokiProtobuf(b, fuzzOptions)
		checkRecords(t, recs, err)
	})
}

func FuzzDecodeOTLP(f *testing.F) {
	f.Add([]byte(`{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"scopeLogs":[{"scope":{"name":"s"},"logRecords":[{"timeUnixNano":"1796698800000000000","severityNumber":17,"body":{"kvlistValue":{"values":[{"key":"a","value":{"doubleValue":1.5}}]}},"traceId":"5b8efff798038103d269b633813fc60c"}]}]}]}`), false)
	// testdata/fuzz/FuzzDecodeOTLP holds a whole request in protobuf.
	f.Add([]byte("\x0a\x00"), true)
	f.Fuzz(func(t *testing.T, b []byte, protobuf bool) {
		if protobuf {
			recs, err := DecodeOTLPProtobuf(b, fuzzOptions)
			checkRecords(t, recs, err)
			return
		}
		recs, err := DecodeOTLPJSON(b, fuzzOptions)
		checkRecords(t, recs, err)
	})
}

func FuzzSyslog(f *testing.F) {
	f.Add([]byte(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event`))
	f.Add([]byte(`<13>Dec  8 01:50:00 host app[42]: hello`))
	f.Add([]byte("no pri"))
	d := NewSyslogDecoder(fuzzOptions)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := d.Decode(b, "message 1")
		if err != nil {
			checkRecords(t, nil, err)
			return
		}
		checkRecords(t, []Record{r}, nil)
	})
}

func FuzzMapping(f *testing.F) {
	f.Add("2026-12-08T01:00:00Z", "auto", "3")
	f.Add("08/12/2026", "02/01/2006", "-1")
	f.Add("1796700000123", "unix_ms", "x")
	f.Fuzz(func(t *testing.T, tv, format, attempt string) {
		mp, err := Mapping{TimeField: "t", TimeFormat: format, AttemptField: "a", JobFields: []string{"j"}}.Compile(Syslog)
		if err != nil {
			if !errors.Is(err, ErrBadMapping) {
				t.Fatalf("Compile: %v", err)
			}
			return
		}
		r := Record{Fields: []engine.Label{{Name: "t", Value: tv}, {Name: "a", Value: attempt}, {Name: "j", Value: tv}}, Where: "record 1"}
		e, err := mp.Entry(&r)
		if err != nil {
			checkRecords(t, nil, err)
			return
		}
		if e.Job == "" || e.Attempt < 0 {
			t.Fatalf("entry %+v", e)
		}
	})
}

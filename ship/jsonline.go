package ship

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/logdb/logdb/ingest"
)

// DecodeJSONLines decodes body, one JSON object per line, by the rules of
// logdb ingest --format json (package ingest reads it): the time from
// time, ts, timestamp, @timestamp or _time, the level from level,
// severity or lvl, the message from msg, message, _msg or log, the run
// from job or job_id and attempt, every other key a field (nested objects
// flattened with dotted names). Blank lines are skipped. A bad line fails
// the whole body with a *RecordError naming it ("line 3").
func DecodeJSONLines(body []byte, o Options) ([]Record, error) {
	var recs []Record
	err := decodeJSON(body, o, func(r Record, line int64) error {
		recs = append(recs, r)
		return nil
	}, func(line int64, err error) error {
		return err
	})
	return recs, err
}

// decodeJSON reads the JSON lines of body with package ingest and calls
// fn with each record and its line number, or bad with each line's error;
// an error either returns stops the decoding.
func decodeJSON(body []byte, o Options, fn func(Record, int64) error, bad func(int64, error) error) error {
	o = o.withDefaults()
	r := ingest.NewReader(bytes.NewReader(body), "request", ingest.Options{
		Format:       ingest.FormatJSON,
		MaxLineBytes: o.MaxLineBytes,
		Location:     o.Location,
		Now:          o.Now,
	})
	for {
		e, err := r.Read()
		if err == io.EOF {
			return nil
		}
		var le *ingest.LineError
		if errors.As(err, &le) {
			where := fmt.Sprintf("line %d", le.Line)
			rerr := recordErrorf(where, ErrMalformed, "%v", le.Err)
			if errors.Is(err, ingest.ErrLineTooLong) {
				rerr = recordErrorf(where, ErrTooLong, "the limit is %d bytes", o.MaxLineBytes)
			}
			if err := bad(le.Line, rerr); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		rec := Record{Time: e.Time, Level: e.Level, Message: e.Message, Job: e.Job, Attempt: e.Attempt, Fields: e.Labels,
			Where: fmt.Sprintf("line %d", e.Line)}
		if err := fn(rec, e.Line); err != nil {
			return err
		}
	}
}

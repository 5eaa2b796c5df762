package insert

import (
	"fmt"
	"net/http"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ship"
)

// push reads r's body, decodes it with decode, maps the records with
// protocol p's mapper (with r's query parameters) and appends them
// durably, all or nothing: it returns the number of lines appended, or an
// error whose text says what and where, with its HTTP status.
func (rc *Receiver) push(p ship.Protocol, r *http.Request, decode func([]byte) ([]ship.Record, error)) (int, int, error) {
	c := rc.counters(p)
	mp, err := rc.mapper(p, r)
	if err != nil {
		c.requests.Add(1)
		c.rejected.Add(1)
		return 0, http.StatusBadRequest, err
	}
	body, status, err := rc.readBody(p, r)
	if err != nil {
		return 0, status, err
	}
	recs, err := decode(body)
	if err != nil {
		c.rejected.Add(1)
		return 0, decodeStatus(err), fmt.Errorf("%v; nothing of the request was stored", err)
	}
	es, err := entries(mp, recs)
	if err != nil {
		c.rejected.Add(1)
		return 0, decodeStatus(err), fmt.Errorf("%v; nothing of the request was stored", err)
	}
	lines, status, err := rc.appendEntries(p, es)
	return len(lines), status, err
}

// entries maps records onto entries with mp. The error names the record.
func entries(mp *ship.Mapper, recs []ship.Record) ([]engine.Entry, error) {
	es := make([]engine.Entry, len(recs))
	for i := range recs {
		var err error
		if es[i], err = mp.Entry(&recs[i]); err != nil {
			return nil, err
		}
	}
	return es, nil
}

package client_test

import (
	"errors"
	"testing"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/query"
)

// Ensure that an error at a position in a query comes back from the
// server as the *query.ParseError the query would give here, printing the
// same with its caret, also on a later line and after wide characters.
func TestClient_QueryParseError(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	if _, err := db.Append(ctx, engine.Entry{Job: "j", Message: "hello"}); err != nil {
		t.Fatal(err)
	}
	c := serve(t, db)
	for _, tc := range []struct {
		q    string
		runs bool
	}{
		{"status=sideways", true},
		{"job=j\n  status=sideways", true},
		{`"héllo wörld" status=sideways`, true},
		{"job=j\n| context 2", true},
		{"héllo\n level=Eror", false},
	} {
		var want error
		q, err := query.Parse(tc.q)
		if err != nil {
			want = err
		} else if tc.runs {
			_, want = query.RunRuns(ctx, db, q, query.Options{})
		} else {
			_, want = query.Run(ctx, db, q, query.Options{})
		}
		var wpe *query.ParseError
		if !errors.As(want, &wpe) {
			t.Fatalf("%q: locally %v, want a ParseError", tc.q, want)
		}
		_, got := c.Query(ctx, tc.q, client.QueryOptions{Runs: tc.runs})
		var pe *query.ParseError
		if !errors.As(got, &pe) || pe.Error() != wpe.Error() {
			t.Errorf("%q through the server:\n got %v\nwant %v", tc.q, got, want)
		}
	}
}

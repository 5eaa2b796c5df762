package client_test

import (
	"slices"
	"testing"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that label kinds survive the server both ways: entries appended
// with typed labels (APPENDENTRIES) and lines appended as JSON read back
// through READ and QUERY with their kinds, lines of string labels (sent
// without kinds, as before) read as strings, and bad kinds are refused.
func TestClient_LabelKinds(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	c := serve(t, db)
	typed := engine.Labels{
		{Name: "f", Value: "1.50e3", Kind: engine.LabelNumber},
		{Name: "n", Value: "3", Kind: engine.LabelNumber},
		{Name: "ok", Value: "true", Kind: engine.LabelBool},
		{Name: "s", Value: "3"},
	}
	if _, err := c.Append(ctx, engine.Entry{Job: "a", Message: "hi", Labels: typed},
		engine.Entry{Job: "a", Message: "text", Labels: engine.Labels{{Name: "n", Value: "3"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppendJSON(ctx, "j", 0, `{"msg":"hi","n":3,"f":1.50e3,"ok":true,"s":"3"}`); err != nil {
		t.Fatal(err)
	}
	for _, job := range []string{"a", "j"} {
		p, err := c.Read(ctx, engine.ReadRequest{Job: job})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Entries) == 0 || !slices.Equal(p.Entries[0].Labels, typed) {
			t.Errorf("READ %s: %+v, want labels %+v", job, p.Entries, typed)
		}
		if job == "a" && (len(p.Entries) != 2 || !slices.Equal(p.Entries[1].Labels, engine.Labels{{Name: "n", Value: "3"}})) {
			t.Errorf("READ a: %+v, want a second line of string labels", p.Entries)
		}
		rows, err := c.Query(ctx, "job="+job+" n=3", client.QueryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []engine.Labels
		for rows.Next() {
			got = append(got, rows.Row().Entry.Labels)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || !slices.Equal(got[0], typed) {
			t.Errorf("QUERY job=%s: labels %+v, want %+v first", job, got, typed)
		}
	}
	for _, nl := range []string{"1:x", "1:nn", "1:"} {
		if _, err := c.Do(ctx, "APPENDENTRIES", "b", "0", "0", "", "m", nl, "n", "3"); err == nil {
			t.Errorf("nlabels %s accepted", nl)
		}
	}
}

package engine_test

import (
	"context"
	"slices"
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that label kinds survive a real store: in the unsealed tail, in
// sealed blocks after Flush, and after reopening; that a label of the same
// name and text but another kind is a different label set; that label
// filters still compare the text; and that run labels stay strings.
func TestDB_LabelKinds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := engine.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	typed := engine.Labels{
		{Name: "f", Value: "1.50e3", Kind: engine.LabelNumber},
		{Name: "n", Value: "3", Kind: engine.LabelNumber},
		{Name: "ok", Value: "true", Kind: engine.LabelBool},
		{Name: "s", Value: "3"},
	}
	text := engine.Labels{{Name: "f", Value: "1.50e3"}, {Name: "n", Value: "3"}, {Name: "ok", Value: "true"}, {Name: "s", Value: "3"}}
	want := [][]engine.Label{typed, text, typed}
	for _, ls := range want {
		if _, err := db.Append(ctx, engine.Entry{Job: "j", Time: 1, Message: "hi", Labels: ls}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		es := readAll(t, db, "j", 0, 10)
		if len(es) != len(want) {
			t.Fatalf("%s: %d lines, want %d", when, len(es), len(want))
		}
		for i, e := range es {
			if !slices.Equal(e.Labels, want[i]) {
				t.Errorf("%s: line %d labels = %+v, want %+v", when, i+1, e.Labels, want[i])
			}
		}
		it, err := db.Query(ctx, engine.LabelFilter{Name: "n", Op: engine.Eq, Pattern: "3"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for it.Next() {
			n++
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("%s: n=3 matched %d lines, want 3", when, n)
		}
		ri, err := db.Run(ctx, "j", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ri.Labels, text) { // those of the first line, as strings
			t.Errorf("%s: run labels = %+v", when, ri.Labels)
		}
	}
	check("unsealed")
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("sealed")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = engine.Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check("reopened")
}

// Ensure that Kinds and SetKinds give and take a letter per label, ""
// for strings only, and that SetKinds refuses bad letters or counts
// without changing the labels.
func TestLabels_Kinds(t *testing.T) {
	ls := engine.Labels{{Name: "a", Value: "1", Kind: engine.LabelNumber}, {Name: "b", Value: "true", Kind: engine.LabelBool}, {Name: "c", Value: "x"}}
	if got := ls.Kinds(); got != "nbs" {
		t.Errorf("Kinds = %q, want nbs", got)
	}
	if got := (engine.Labels{{Name: "c", Value: "x"}}).Kinds(); got != "" {
		t.Errorf("Kinds of strings = %q, want \"\"", got)
	}
	for _, bad := range []string{"nb", "nbsx", "nbx", "nb\x00"} {
		if ls.SetKinds(bad) || ls.Kinds() != "nbs" {
			t.Errorf("SetKinds(%q) accepted or changed the labels: %q", bad, ls.Kinds())
		}
	}
	if !ls.SetKinds("sns") || ls.Kinds() != "sns" {
		t.Errorf("SetKinds(sns): %q", ls.Kinds())
	}
}

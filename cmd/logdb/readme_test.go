package main

import (
	"os"
	"strings"
	"testing"
)

// Ensure that the README keeps its first two commands and, where it says
// that tests are skipped, says how to see the reasons: plain go test ./...
// prints none of them.
func TestREADME_Skips(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, want := range []string{
		"go run ./cmd/logdb demo     # loads a day of synthetic run logs",
		"go test ./...               # runs all the tests",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks its command %q", want)
		}
	}
	for _, claim := range []string{"skips and says so", "skipped with a message"} {
		if strings.Contains(readme, claim) {
			t.Errorf("README says %q, which plain go test ./... does not show", claim)
		}
	}
	if !strings.Contains(readme, "go test -v ./... | grep -B1 -- '--- SKIP'") {
		t.Error("README does not say how to see why tests were skipped")
	}
}

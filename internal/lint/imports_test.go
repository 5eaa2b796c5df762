package lint

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/logdb/logdb/"

// allowed lists, for each package, the project packages it may import, so
// that imports keep pointing one way: cmd → bench, output → query → engine
// → index → internal/verified. (engine importing index is deliberate: see engine/doc.go.)
var allowed = map[string][]string{
	"index":               {"internal/verified"},
	"engine":              {"index", "internal/verified"},
	"ingest":              {"engine"},
	"query":               {"engine"},
	"output":              {"engine", "query"},
	"bench":               {"client", "engine", "ingest", "query", "server"},
	"server":              {"engine", "ingest", "output", "query"},
	"client":              {"engine", "ingest", "query"},
	"ship":                {"engine", "ingest"},
	"httpd":               {},
	"insert":              {"engine", "httpd", "ship"},
	"repl":                {"engine", "internal/outfile", "output", "query"},
	"internal/testutil":   {"engine"},
	"internal/servertest": {"engine", "server"},
	"internal/lint":       {},
	"internal/outfile":    {},
	"internal/verified":   {},
	"cmd/logdb":           {"bench", "client", "engine", "httpd", "ingest", "insert", "internal/outfile", "output", "query", "repl", "server", "ship"},
}

// Ensure that no package imports a project package outside its allowance,
// in the style of pebble's TestForbiddenImports.
func TestForbiddenImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		ok, known := allowed[pkg]
		if !known {
			t.Errorf("package %s is not in the import allowance of internal/lint; add it", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			dep, ours := strings.CutPrefix(imp, module)
			if !ours {
				continue
			}
			found := false
			for _, a := range ok {
				found = found || a == dep
			}
			if !found {
				t.Errorf("%s imports %s, which it may not", pkg, dep)
			}
		}
	}
}

package query

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/logdb/logdb/engine"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func pos(off, line, col int) Position { return Position{Offset: off, Line: line, Column: col} }

// Ensure that Parse builds the expected trees, positions included.
func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want *Query
	}{
		{"", &Query{}},
		{"*", &Query{Filter: &MatchAllExpr{Pos: pos(0, 1, 1)}}},
		{"timeout", &Query{Filter: &WordExpr{Word: "timeout", Pos: pos(0, 1, 1)}}},
		{`"connection \"reset\" C:\x"`, &Query{Filter: &PhraseExpr{Text: `connection "reset" C:\x`, Pos: pos(0, 1, 1)}}},
		{`/time(d)?out/`, &Query{Filter: &RegexpExpr{Pattern: "time(d)?out", Pos: pos(0, 1, 1)}}},
		{`/a\/b c/`, &Query{Filter: &RegexpExpr{Pattern: "a/b c", Pos: pos(0, 1, 1)}}},
		{"a b", &Query{Filter: &AndExpr{
			LHS: &WordExpr{Word: "a", Pos: pos(0, 1, 1)},
			RHS: &WordExpr{Word: "b", Pos: pos(2, 1, 3)},
			Pos: pos(0, 1, 1)}}},
		{"a b OR c AND -d", &Query{Filter: &OrExpr{
			LHS: &AndExpr{
				LHS: &WordExpr{Word: "a", Pos: pos(0, 1, 1)},
				RHS: &WordExpr{Word: "b", Pos: pos(2, 1, 3)},
				Pos: pos(0, 1, 1)},
			RHS: &AndExpr{
				LHS: &WordExpr{Word: "c", Pos: pos(7, 1, 8)},
				RHS: &NotExpr{X: &WordExpr{Word: "d", Pos: pos(14, 1, 15)}, Pos: pos(13, 1, 14)},
				Pos: pos(7, 1, 8)},
			Pos: pos(0, 1, 1)}}},
		{"NOT (a OR b)", &Query{Filter: &NotExpr{
			X: &ParenExpr{X: &OrExpr{
				LHS: &WordExpr{Word: "a", Pos: pos(5, 1, 6)},
				RHS: &WordExpr{Word: "b", Pos: pos(10, 1, 11)},
				Pos: pos(5, 1, 6)}, Pos: pos(4, 1, 5)},
			Pos: pos(0, 1, 1)}}},
		{"not found", &Query{Filter: &AndExpr{
			LHS: &WordExpr{Word: "not", Pos: pos(0, 1, 1)},
			RHS: &WordExpr{Word: "found", Pos: pos(4, 1, 5)},
			Pos: pos(0, 1, 1)}}},
		{"level>=Warn", &Query{Filter: &CompareExpr{Field: "level", Op: engine.Ge, Value: "Warn", Pos: pos(0, 1, 1), ValuePos: pos(7, 1, 8)}}},
		{"\n  app!=\"a b\"", &Query{Filter: &CompareExpr{Field: "app", Op: engine.Ne, Value: "a b", Pos: pos(3, 2, 3), ValuePos: pos(8, 2, 8)}}},
		{"job=etl-*", &Query{Filter: &CompareExpr{Field: "job", Op: engine.Eq, Value: "etl-*", Pos: pos(0, 1, 1), ValuePos: pos(4, 1, 5)}}},
		{"-attempt=-1", &Query{Filter: &NotExpr{
			X:   &CompareExpr{Field: "attempt", Op: engine.Eq, Value: "-1", Pos: pos(1, 1, 2), ValuePos: pos(9, 1, 10)},
			Pos: pos(0, 1, 1)}}},
		// Tokens that are words, never operators.
		{"job-52b3", &Query{Filter: &WordExpr{Word: "job-52b3", Pos: pos(0, 1, 1)}}},
		{"/api/v1/users", &Query{Filter: &WordExpr{Word: "/api/v1/users", Pos: pos(0, 1, 1)}}},
		{"->", &Query{Filter: &WordExpr{Word: "->", Pos: pos(0, 1, 1)}}},
		{"a,b", &Query{Filter: &WordExpr{Word: "a,b", Pos: pos(0, 1, 1)}}},
		{"日志 x", &Query{Filter: &AndExpr{
			LHS: &WordExpr{Word: "日志", Pos: pos(0, 1, 1)},
			RHS: &WordExpr{Word: "x", Pos: pos(7, 1, 4)},
			Pos: pos(0, 1, 1)}}},
		{"| count", &Query{Pipes: []Pipe{&CountPipe{Pos: pos(2, 1, 3)}}}},
		{"x | sort by time desc, app | head 5 | offset 2 | count by job, level | fields level", &Query{
			Filter: &WordExpr{Word: "x", Pos: pos(0, 1, 1)},
			Pipes: []Pipe{
				&SortPipe{Keys: []SortKey{{Field: "time", Desc: true, Pos: pos(12, 1, 13)}, {Field: "app", Pos: pos(23, 1, 24)}}, Pos: pos(4, 1, 5)},
				&LimitPipe{N: 5, Pos: pos(29, 1, 30)},
				&OffsetPipe{N: 2, Pos: pos(38, 1, 39)},
				&CountPipe{By: []FieldRef{{Name: "job", Pos: pos(58, 1, 59)}, {Name: "level", Pos: pos(63, 1, 64)}}, Pos: pos(49, 1, 50)},
				&FieldsPipe{Fields: []FieldRef{{Name: "level", Pos: pos(78, 1, 79)}}, Pos: pos(71, 1, 72)},
			}}},
		{"x | context 3", &Query{
			Filter: &WordExpr{Word: "x", Pos: pos(0, 1, 1)},
			Pipes:  []Pipe{&ContextPipe{N: 3, Pos: pos(4, 1, 5)}}}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		tt.want.Source = tt.in
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n%s\nwant\n%s", tt.in, Tree(got), Tree(tt.want))
		}
	}
}

// Ensure that bad queries fail with a *ParseError at the right place.
func TestParse_Errors(t *testing.T) {
	tests := []struct {
		in  string
		pos string // line:column
		msg string // regexp
	}{
		{"a OR", "1:5", `unexpected end of query, want a search term`},
		{"a AND", "1:6", `unexpected end of query`},
		{"(a b", "1:5", `unexpected end of query`},
		{"a)", "1:2", `unexpected "\)" with no "\(" to close`},
		{"()", "1:2", `unexpected "\)"`},
		{"NOT", "1:4", `unexpected end of query`},
		// What participle expects is put in words, never in the names of
		// grammar.go's structs ("want Or \")\"", "want Pipe").
		{"nonexistent(", "1:13", `^unexpected end of query, want a search term$`},
		{"(", "1:2", `^unexpected end of query, want a search term$`},
		{"a OR (", "1:7", `^unexpected end of query, want a search term$`},
		{"( )", "1:3", `^unexpected "\)", want a search term$`},
		{"a ( | x", "1:5", `^unexpected "\|", want a search term$`},
		{"(a", "1:3", `^unexpected end of query, want a search term or "\)"$`},
		{"(a | b", "1:4", `^unexpected "\|", want a search term or "\)"$`},
		{"(a b | c", "1:6", `^unexpected "\|", want "\)"$`},
		{"(a AND", "1:7", `^unexpected end of query, want a search term$`},
		{"NOT )", "1:5", `^unexpected "\)", want a search term$`},
		{"x |", "1:4", `^unexpected end of query, want a pipe \(sort, limit, head, offset, count, fields, context, stats, top, uniq, histogram, filter, unpack_json, unpack_logfmt, extract, extract_regexp, field_names or field_values\)$`},
		{"| |", "1:3", `^unexpected "\|", want a pipe \(sort, limit, head, offset, count, fields, context, stats, top, uniq, histogram, filter, unpack_json, unpack_logfmt, extract, extract_regexp, field_names or field_values\)$`},
		{"x | ,", "1:5", `^unexpected ",", want a pipe \(`},
		{"x | (", "1:5", `^unexpected "\(", want a pipe \(`},
		{"x | sort by a,", "1:15", `^unexpected end of query, want a field to sort by$`},
		{"x | fields a,", "1:14", `^unexpected end of query, want a field name$`},
		{`"abc`, "1:1", `unterminated quoted string`},
		{`a "b\"`, "1:3", `unterminated quoted string`},
		{"app= x", "1:5", `missing value after app=`},
		{"level=Eror", "1:7", `unknown level "Eror"`},
		{"x\n  level>loud\n", "2:9", `unknown level "loud"`},
		{"level=", "1:7", `missing value after level=`},
		{"/x**/", "1:3", "^bad regular expression: invalid nested repetition operator: `\\*\\*`$"},
		// A '/' that the lexer cannot take as a regex's closer, inside an
		// open group or class: what regexp/syntax says, where it is.
		{"/(/", "1:2", `^bad regular expression: missing closing \)$`},
		{"/a(b/", "1:3", `^bad regular expression: missing closing \)$`},
		{"/a(b/ | count", "1:3", `^bad regular expression: missing closing \)$`},
		{"x /[/", "1:4", `^bad regular expression: missing closing \]$`},
		{"/a((b)/ c", "1:3", `^bad regular expression: missing closing \)$`},
		{"/[a-/ x", "1:2", `^bad regular expression: missing closing \]$`},
		{"-/é(x/", "1:4", `^bad regular expression: missing closing \)$`},
		// A word that starts with '/' and looks like a regex, unclosed.
		{"level=Error /time(d)?out", "1:13", `^unclosed regular expression: end it with "/"`},
		{"/[0-9]+", "1:1", `^unclosed regular expression`},
		{"a\n  /x*", "2:3", `^unclosed regular expression`},
		{"/ /(0)", "1:3", `^unclosed regular expression`},
		{"/( //)", "1:1", `^unclosed regular expression`},
		{"(/x+)", "1:2", `^unclosed regular expression`},
		{"attempt=first", "1:9", `bad attempt "first"`},
		{"line>=x", "1:7", `bad line number "x"`},
		{"since=1h", "1:7", `a relative time needs a sign, as in -1h`},
		{"since=yesterday", "1:7", `bad time "yesterday"`},
		{"since=-1y", "1:7", `bad relative time "-1y"`},
		{"since>-1h", "1:1", `since takes only =, not >`},
		{"until=2025-13-01", "1:7", `bad time`},
		{"during=tomorrow", "1:8", `unknown range "tomorrow"`},
		{"tz=Mars/Olympus", "1:4", `unknown time zone "Mars/Olympus"`},
		{"tz=+25:00", "1:4", `bad time zone offset`},
		{"a OR tz=UTC", "1:6", `tz= sets the zone of the whole query`},
		{"NOT tz=UTC", "1:5", `cannot stand under NOT or OR`},
		{"tz=UTC tz=UTC", "1:8", `tz= given twice \(first at 1:1\)`},
		{"app<x", "1:5", `app< compares numbers and durations, and "x" is neither`},
		{"job>=x", "1:1", `job compares with = and != only`},
		{"x | frobnicate", "1:5", `unknown pipe "frobnicate"`},
		{"x | limit", "1:5", `bad limit pipe; usage: limit N`},
		{"x | limit -1", "1:11", `limit wants a number from 0 up, not "-1"`},
		{"x | head ten", "1:10", `head wants a number`},
		{"x | sort time", "1:5", `bad sort pipe; usage: sort by FIELD \[asc\|desc\], …`},
		{"x | sort by", "1:5", `bad sort pipe`},
		{"x | count by", "1:13", `unexpected end of query, want a field name`},
		{"x | count by a,", "1:16", `^unexpected end of query, want a field name$`},
		{"x | count by ,", "1:14", `^unexpected ",", want a field name$`},
		{"x | limit 1 2", "1:13", `unexpected "2", want "\|" or the end of the query`},
		{"x | limit (", "1:5", `bad limit pipe`},
		{"x | count | sort by level", "1:21", `unknown column "level" \(the rows here have count\)`},
		{"x | fields msg | count by level", "1:27", `unknown column "level"`},
		{"x | count by job, job", "1:19", `column "job" would appear twice`},
		{"x | context 3 | limit 2", "1:17", `context must be the last pipe`},
		{"x | fields msg | context 1", "1:18", `context needs log lines`},
		{"a | b | c", "1:5", `unknown pipe "b"`},
	}
	for _, tt := range tests {
		// Some errors come from planning a query over lines (labels
		// compare with = and != only there).
		q, err := Parse(tt.in)
		if err == nil {
			_, err = NewPlan(q, Options{})
		}
		var perr *ParseError
		if !errors.As(err, &perr) {
			t.Errorf("Parse(%q) error = %v, want a *ParseError", tt.in, err)
			continue
		}
		if got := posString(perr.Pos); got != tt.pos {
			t.Errorf("Parse(%q) error at %s, want %s: %v", tt.in, got, tt.pos, err)
		}
		if !regexp.MustCompile(tt.msg).MatchString(perr.Msg) {
			t.Errorf("Parse(%q) error %q, want match for %q", tt.in, perr.Msg, tt.msg)
		}
		if perr.Query != tt.in {
			t.Errorf("Parse(%q) error has Query %q", tt.in, perr.Query)
		}
		if leaksGrammar(perr.Msg) {
			t.Errorf("Parse(%q) error %q names the grammar's structs", tt.in, perr.Msg)
		}
	}
}

// grammarNames matches the names of grammar.go's structs as participle
// prints them (OrCST), also without the suffix (Or), and token types (<word>).
var grammarNames = sync.OnceValue(func() *regexp.Regexp {
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`\b([A-Z]\w*)CST\b`).FindAllStringSubmatch(Grammar(), -1) {
		names[m[1]] = true
	}
	alts := slices.Sorted(maps.Keys(names))
	return regexp.MustCompile(`\b(` + strings.Join(alts, "|") + `)(CST)?\b|<[a-z]+>`)
})

// leaksGrammar reports whether what an error message wants (after "want ")
// names a struct or token type of the grammar.
func leaksGrammar(msg string) bool {
	_, want, ok := strings.Cut(msg, "want ")
	return ok && grammarNames().MatchString(want)
}

// Ensure that every struct and token type participle can name as expected
// is put in words.
func TestExpectation_AllItems(t *testing.T) {
	items := regexp.MustCompile(`\b[A-Z]\w*CST\b|<[a-z]+>`).FindAllString(Grammar(), -1)
	for name := range symbols {
		items = append(items, "<"+strings.ToLower(name)+">")
	}
	for _, item := range items {
		d := expectedItems[item]
		if d == "" || grammarNames().MatchString(d) {
			t.Errorf("grammar item %s is described as %q; add it to expectedItems", item, d)
		}
	}
}

// Ensure that describeItem puts groups of alternatives in words and says
// nothing rather than a name it does not know.
func TestDescribeItem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"OrCST", "a search term"},
		{`")"`, `")"`},
		{`"by"`, `"by"`},
		{"<word>", "a word"},
		{`("asc" | "desc")`, `"asc" or "desc"`},
		{`("NOT" | "-")`, `"NOT" or "-"`},
		{`(CompareCST | <string> | <regex> | <word>)`, "a search term, a quoted string, a regular expression or a word"},
		{`(OrCST | AndCST)`, "a search term"},
		{`("(" OrCST ")" | <word>)`, `"(" or a word`},
		{`("," NameCST)+`, `","`},
		{"FrobCST", ""},
		{`(<word> | FrobCST)`, ""},
		{`("a" | "b"`, ""},
	}
	for _, tt := range tests {
		if got := describeItem(firstItem(tt.in)); got != tt.want {
			t.Errorf("describeItem(firstItem(%q)) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := firstItem(`OrCST ")"`); got != "OrCST" {
		t.Errorf(`firstItem(OrCST ")") = %q`, got)
	}
	if got := firstItem(`("(" OrCST ")") <word>`); got != `("(" OrCST ")")` {
		t.Errorf("firstItem = %q", got)
	}
}

// Ensure that a query longer than participle will repeat a rule says so
// rather than naming the rule. The limit is lowered for the test; the real
// one is a million terms.
func TestParse_TooLong(t *testing.T) {
	defer func(n int) { participle.MaxIterations = n }(participle.MaxIterations)
	participle.MaxIterations = 10
	tests := []struct{ in, msg string }{
		{strings.Repeat("a ", 12), "query too long (more than 10 terms in a row)"},
		{"a" + strings.Repeat(" | limit 1", 12), "query too long (more than 10 pipes in a row)"},
		{"a | count by a" + strings.Repeat(", a", 12), "query too long (more than 10 names in a row)"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var perr *ParseError
		if !errors.As(err, &perr) || perr.Msg != tt.msg {
			t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.msg)
		}
	}
}

func posString(p Position) string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Ensure that ParseError.Error shows the offending line with a caret.
func TestParseError_Error(t *testing.T) {
	tests := []struct{ in, want string }{
		{"level=Eror", "1:7: unknown level \"Eror\" (want one of Trace, Debug, Info, Warn, Error, Fatal or an alias such as warning, err, E)\nlevel=Eror\n      ^"},
		{"a\n\tb OR", "2:6: unexpected end of query, want a search term\n\tb OR\n\t    ^"},
		{"x\n  level>loud\nmore", "2:9: unknown level \"loud\" (want one of Trace, Debug, Info, Warn, Error, Fatal or an alias such as warning, err, E)\n  level>loud\n        ^"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error =\n%v\nwant\n%s", tt.in, err, tt.want)
		}
	}
}

// Ensure that String prints text that parses back to the same tree, and
// that printing is idempotent.
func TestString_RoundTrip(t *testing.T) {
	for _, in := range roundTripInputs {
		q, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		s := q.String()
		q2, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q) (printed from %q): %v", s, in, err)
			continue
		}
		if a, b := treeNoPos(q), treeNoPos(q2); a != b {
			t.Errorf("round trip of %q via %q:\n%s\n!=\n%s", in, s, a, b)
		}
		if s2 := q2.String(); s2 != s {
			t.Errorf("String not idempotent: %q then %q", s, s2)
		}
	}
}

var roundTripInputs = []string{
	"",
	"*",
	"a * b",
	"timeout",
	`"connection reset"`,
	`"say \"hi\" \\ C:\temp\\"`,
	`/time(d)?out/`,
	`/a\/b/ /x y\/z/ /\\/`,
	`/api/v1/users /time(d)?out/`,
	"/tmp x /y/",
	"/static/*.js /tmp /timeout /api/v1/users?id=5", // paths stay words, regex syntax or not
	"level=Error level>=warning level!=E level<Info level<=debug level>Trace",
	"job=abc job!=abc job=etl-*",
	"attempt=2 attempt=latest attempt=-1 attempt>=1",
	`app=billing env!=prod flow=etl-* app="" x.y="a b" z="(|)"`,
	"line>=100 line<=200 line=5 line!=6 line<7 line>8",
	`since=-1h until=-5m since=2025-03-20T00:00:00Z since="2025-03-20 00:00:00" until=now`,
	"during=today during=last-5m during=2025-03-20",
	"tz=+08:00 x",
	"NOT x -y a OR b AND c (d OR e) f",
	"NOT NOT a",
	"-(a b) -\"c d\" -/e/ -level=Debug",
	"((a))",
	"a OR b OR c",
	"a OR (b OR c)",
	"a (b c)",
	"job-52b3 10.0.0.1 /api/v1/users a@b.c 3f2a9c1e-8f0b-4a7e-9d7e-1c2b3a4d5e6f key:value C:\\x -> - x",
	"not found and or",
	"a | sort by time desc, level, app asc | limit 100 | offset 20 | head 10",
	"| count",
	"x | count by job, level | sort by count | fields level, count",
	"x | fields time, level, msg",
	"x | context 3",
	"a\n  OR\tb",
	"/0/(0)",           // found by FuzzParse: a word because '(' follows
	"-/0/(0) /a/(b) c", // the same under NOT
	"/ (/0/)",          // found by FuzzParse: a space before '(' stays
	"/w app=x/(a)",     // a bare value ending in '/' before '('
	"/w app=x/ (a/)",
	"(/tmp) x/ /[)]/ /(a|b)/ /[]/]/ /[^]/]/",
	`/000\  0/\0/`, // found by FuzzParse: a backslash before whitespace
}

// Ensure that the golden files in testdata/parse match what Parse makes of
// their queries; run with -update to rewrite them.
func TestParse_Golden(t *testing.T) {
	files, err := filepath.Glob("testdata/parse/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			cases := parseGolden(string(data))
			var out strings.Builder
			for i, c := range cases {
				if q, err := Parse(c.query); err == nil {
					q2, err := Parse(q.String())
					if err != nil || treeNoPos(q2) != treeNoPos(q) {
						t.Errorf("%q prints as %q, which does not parse back to the same tree (%v)", c.query, q.String(), err)
					}
				}
				if i > 0 {
					out.WriteByte('\n')
				}
				out.WriteString(c.comment)
				out.WriteString(c.query)
				out.WriteString("\n----\n")
				out.WriteString(goldenResult(c.query))
			}
			if *update {
				if err := os.WriteFile(file, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := out.String(); got != string(data) {
				t.Errorf("%s differs from what Parse makes; run go test -update and review the diff.\ngot:\n%s", file, got)
			}
		})
	}
}

type goldenCase struct{ comment, query string }

// parseGolden splits a golden file into cases. A case is optional '#'
// comment lines, the query (one or more lines), a line "----" and the result
// up to a blank line.
func parseGolden(s string) []goldenCase {
	var cases []goldenCase
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); {
		var c goldenCase
		for i < len(lines) && (strings.HasPrefix(lines[i], "#") || lines[i] == "") {
			if lines[i] != "" {
				c.comment += lines[i] + "\n"
			}
			i++
		}
		if i >= len(lines) {
			break
		}
		var q []string
		for i < len(lines) && lines[i] != "----" {
			q = append(q, lines[i])
			i++
		}
		i++ // ----
		for i < len(lines) && lines[i] != "" {
			i++
		}
		c.query = strings.Join(q, "\n")
		cases = append(cases, c)
	}
	return cases
}

// goldenResult is what a golden file records for a query: the printed form
// and the tree, or the error.
func goldenResult(src string) string {
	q, err := Parse(src)
	if err != nil {
		return "error: " + strings.ReplaceAll(err.Error(), "\n", "\n| ") + "\n"
	}
	return "string: " + q.String() + "\n" + Tree(q)
}

// Ensure that Grammar matches testdata/grammar.ebnf; run with -update to
// rewrite it after a grammar change.
func TestGrammar(t *testing.T) {
	const file = "testdata/grammar.ebnf"
	got := Grammar() + "\n"
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Grammar() differs from %s; run go test -update and review the diff.\ngot:\n%s", file, got)
	}
}

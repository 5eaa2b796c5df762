package query

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// This file holds the concrete syntax: participle's tagged structs. They stay
// unexported; parse.go lowers them into the AST of ast.go. The token types
// (Keyword, Minus, Word, String, Regex, Field, Op, Value, …) come from the
// hand-written lexer in lexer.go, which explains why it is not a set of
// participle lexer rules.
//
// The grammar, as Grammar returns it (testdata/grammar.ebnf is the golden
// copy):
//
//	Query       = Or? ("|" Pipe)* .
//	Or          = And ("OR" And)* .
//	And         = Unary ("AND"? Unary)* .
//	Unary       = ("NOT" | "-") Unary | Primary .
//	Primary     = "(" Or ")" | Field Op (String | Value) | Field Range | Field In
//	            | String | Regex | Word .
//	Pipe        = "sort" "by" ("(" SortKey ("," SortKey)* ")" | SortKey ("," SortKey)*)
//	            | ("limit" | "head") Word
//	            | "offset" Word
//	            | "count" ("by" Word ("," Word)*)?
//	            | "fields" Word ("," Word)*
//	            | "context" Word
//	            | "stats" By? Func ("," Func)*
//	            | "top" Word By
//	            | "uniq" By
//	            | "histogram" Word
//	            | "filter" Or
//	            | ("unpack_json" | "unpack_logfmt") ("from" Word)?
//	            | ("extract" | "extract_regexp") String ("from" Word)?
//	            | "field_names"
//	            | "field_values" Word
//	            | Word (Word | "," | String | "(" | ")")* .   (a bad pipe, reported by parse.go)
//	By          = "by" "(" (Word ("," Word)*)? ")" .
//	Func        = Word "(" (Word ("," Word)*)? ")" ("as"? Word)? .
//	SortKey     = Word ("asc" | "desc")? .
//
// AND binds tighter than OR; NOT and '-' bind tightest. Juxtaposed terms are
// ANDed. Keywords are upper case only.

type queryCST struct {
	Pos    lexer.Position
	Filter *orCST     `parser:"@@?"`
	Having *havingCST `parser:"@@?"`
	Pipes  []*pipeCST `parser:"( '|':Pipe @@ )*"`
}

type havingCST struct {
	Pos    lexer.Position
	Filter *orCST `parser:"'HAVING':Keyword @@"`
}

type orCST struct {
	Pos  lexer.Position
	Left *andCST   `parser:"@@"`
	Rest []*andCST `parser:"( 'OR':Keyword @@ )*"`
}

type andCST struct {
	Pos  lexer.Position
	Left *unaryCST   `parser:"@@"`
	Rest []*unaryCST `parser:"( 'AND':Keyword? @@ )*"`
}

type unaryCST struct {
	Pos  lexer.Position
	Not  *notCST     `parser:"  @@"`
	Prim *primaryCST `parser:"| @@"`
}

type notCST struct {
	Pos lexer.Position
	Op  string    `parser:"@( 'NOT':Keyword | '-':Minus )"`
	X   *unaryCST `parser:"@@"`
}

type primaryCST struct {
	Pos     lexer.Position
	Group   *orCST      `parser:"  '(':LParen @@ ')':RParen"`
	Compare *compareCST `parser:"| @@"`
	Range   *rangeCST   `parser:"| @@"`
	In      *inCST      `parser:"| @@"`
	String  *string     `parser:"| @String"`
	Regex   *string     `parser:"| @Regex"`
	Word    *string     `parser:"| @Word"`
}

type compareCST struct {
	Pos    lexer.Position
	Field  string  `parser:"@Field"`
	Op     string  `parser:"@Op"`
	Quoted *string `parser:"( @String"`
	Bare   *string `parser:"| @Value )"`
}

// rangeCST is "name:[lo, hi]"; the range token holds all after the name.
type rangeCST struct {
	Pos   lexer.Position
	Field string `parser:"@Field"`
	Range string `parser:"@Range"`
}

// inCST is "name in (a, b)"; the in token holds all after the name.
type inCST struct {
	Pos   lexer.Position
	Field string `parser:"@Field"`
	List  string `parser:"@In"`
}

type pipeCST struct {
	Pos         lexer.Position
	Sort        *sortCST        `parser:"  @@"`
	Limit       *limitCST       `parser:"| @@"`
	Offset      *offsetCST      `parser:"| @@"`
	Count       *countCST       `parser:"| @@"`
	Fields      *fieldsCST      `parser:"| @@"`
	Context     *contextCST     `parser:"| @@"`
	Stats       *statsCST       `parser:"| @@"`
	Top         *topCST         `parser:"| @@"`
	Uniq        *uniqCST        `parser:"| @@"`
	Histogram   *histogramCST   `parser:"| @@"`
	Filter      *filterCST      `parser:"| @@"`
	Unpack      *unpackCST      `parser:"| @@"`
	Extract     *extractCST     `parser:"| @@"`
	FieldNames  *fieldNamesCST  `parser:"| @@"`
	FieldValues *fieldValuesCST `parser:"| @@"`
	Bad         *badPipeCST     `parser:"| @@"`
}

type sortCST struct {
	Pos    lexer.Position
	Paren  bool          `parser:"'sort':Word 'by':Word ( @'(':LParen"`
	InKeys []*sortKeyCST `parser:"    @@ ( ',':Comma @@ )* ')':RParen"`
	Keys   []*sortKeyCST `parser:"  | @@ ( ',':Comma @@ )* )"`
}

type statsCST struct {
	Pos   lexer.Position
	By    *byCST     `parser:"'stats':Word @@?"`
	Funcs []*funcCST `parser:"@@ ( ',':Comma @@ )*"`
}

// byCST is the "by (a, b)" of stats, top and uniq.
type byCST struct {
	Pos   lexer.Position
	Names []*nameCST `parser:"'by':Word '(':LParen ( @@ ( ',':Comma @@ )* )? ')':RParen"`
}

type funcCST struct {
	Pos  lexer.Position
	Name string     `parser:"@Word '(':LParen"`
	Args []*nameCST `parser:"( @@ ( ',':Comma @@ )* )? ')':RParen"`
	As   *nameCST   `parser:"( 'as':Word? @@ )?"`
}

type topCST struct {
	Pos lexer.Position
	N   *nameCST `parser:"'top':Word @@"`
	By  *byCST   `parser:"@@"`
}

type uniqCST struct {
	Pos lexer.Position
	By  *byCST `parser:"'uniq':Word @@"`
}

type histogramCST struct {
	Pos  lexer.Position
	Step *nameCST `parser:"'histogram':Word @@"`
}

type filterCST struct {
	Pos lexer.Position
	X   *orCST `parser:"'filter':Word @@"`
}

type unpackCST struct {
	Pos    lexer.Position
	Format string   `parser:"@( 'unpack_json':Word | 'unpack_logfmt':Word )"`
	From   *nameCST `parser:"( 'from':Word @@ )?"`
}

type extractCST struct {
	Pos     lexer.Position
	Kw      string   `parser:"@( 'extract':Word | 'extract_regexp':Word )"`
	Pattern string   `parser:"@String"`
	From    *nameCST `parser:"( 'from':Word @@ )?"`
}

type fieldNamesCST struct {
	Pos lexer.Position
	Kw  string `parser:"@'field_names':Word"`
}

type fieldValuesCST struct {
	Pos   lexer.Position
	Field *nameCST `parser:"'field_values':Word @@"`
}

type sortKeyCST struct {
	Pos  lexer.Position
	Name string `parser:"@Word"`
	Dir  string `parser:"@( 'asc':Word | 'desc':Word )?"`
}

type limitCST struct {
	Pos lexer.Position
	Kw  string   `parser:"@( 'limit':Word | 'head':Word )"`
	N   *nameCST `parser:"@@"`
}

type offsetCST struct {
	Pos lexer.Position
	N   *nameCST `parser:"'offset':Word @@"`
}

type countCST struct {
	Pos lexer.Position
	Kw  string     `parser:"@'count':Word"`
	By  []*nameCST `parser:"( 'by':Word @@ ( ',':Comma @@ )* )?"`
}

type fieldsCST struct {
	Pos   lexer.Position
	Names []*nameCST `parser:"'fields':Word @@ ( ',':Comma @@ )*"`
}

type contextCST struct {
	Pos lexer.Position
	N   *nameCST `parser:"'context':Word @@"`
}

// badPipeCST takes any pipe the alternatives before it do not match, so
// that parse.go can say what is wrong with it.
type badPipeCST struct {
	Pos  lexer.Position
	Name string   `parser:"@Word"`
	Rest []string `parser:"@( Word | Comma | String | LParen | RParen )*"`
}

type nameCST struct {
	Pos  lexer.Position
	Name string `parser:"@Word"`
}

// parser is built once; participle parsers are safe for concurrent use.
var parser = participle.MustBuild[queryCST](
	participle.Lexer(lexDef{symbols}),
	participle.UseLookahead(2),
)

// Grammar returns the EBNF of the filter language as participle derives it
// from the grammar structs. testdata/grammar.ebnf holds the reviewed copy.
func Grammar() string { return parser.String() }

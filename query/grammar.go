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
//	Primary     = "(" Or ")" | Field Op (String | Value) | String | Regex | Word .
//	Pipe        = "sort" "by" SortKey ("," SortKey)*
//	            | ("limit" | "head") Word
//	            | "offset" Word
//	            | "count" ("by" Word ("," Word)*)?
//	            | "fields" Word ("," Word)*
//	            | "context" Word
//	            | Word (Word | "," | String | "(" | ")")* .   (a bad pipe, reported by parse.go)
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

type pipeCST struct {
	Pos     lexer.Position
	Sort    *sortCST    `parser:"  @@"`
	Limit   *limitCST   `parser:"| @@"`
	Offset  *offsetCST  `parser:"| @@"`
	Count   *countCST   `parser:"| @@"`
	Fields  *fieldsCST  `parser:"| @@"`
	Context *contextCST `parser:"| @@"`
	Bad     *badPipeCST `parser:"| @@"`
}

type sortCST struct {
	Pos  lexer.Position
	Keys []*sortKeyCST `parser:"'sort':Word 'by':Word @@ ( ',':Comma @@ )*"`
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

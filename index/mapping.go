package index

import (
	"strings"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// The document fields. Label values live in LabelField(name).
const (
	FieldTerms = "t" // distinct message terms
	// FieldIDPrefixes holds, for the message words kept out of FieldTerms
	// (the engine's id-like words), their distinct parts before the first
	// digit, so that a prefix lookup still finds them.
	FieldIDPrefixes = "tp"
	FieldLevels     = "lv"   // level names present
	FieldJob        = "job"  // the jobs of the document's blocks
	FieldMinT       = "tmin" // earliest time, Unix seconds rounded down
	FieldMaxT       = "tmax" // latest time, Unix seconds rounded up
	// FieldBlocks holds the IDs of the blocks a document indexes, so that
	// the documents of a deleted block can be found.
	FieldBlocks = "b"
)

// LabelField returns the field holding the values of label name.
func LabelField(name string) string { return "l." + name }

// layoutVersion changes whenever the document layout or the terms fed to it
// change meaning; an index of another version must be rebuilt.
const layoutVersion = "8"

// Doc is the index document of a group of blocks (the engine's granule).
type Doc struct {
	ID    string
	Terms []string // distinct terms, as produced by the engine's tokenizer
	// Lines[i], if Lines is not nil, is the number of the blocks' lines
	// holding Terms[i]; it becomes the term's frequency in the index, so
	// that TermCounts can count lines without reading them. Nil means 1.
	Lines []uint32
	// IDPrefixes go into FieldIDPrefixes.
	IDPrefixes []string
	Levels     []string            // distinct level names
	Jobs       []string            // distinct jobs
	Labels     map[string][]string // label name → distinct values
	Blocks     []string            // the IDs of the blocks, for FieldBlocks
	// MinTime and MaxTime bound the blocks' event times (Unix ns).
	MinTime, MaxTime int64
}

// indexOnly indexes a field for search and nothing else: no stored value,
// no term vectors, no doc values, no norms.
const indexOnly = bleveindex.IndexField | bleveindex.SkipFreqNorm

// listAnalyzer splits a field value on '\n'. The engine hands over terms
// already tokenized and lower-cased, so analysis is only a split; one
// field with all terms is much cheaper than a field per term.
type listAnalyzer struct{}

func (listAnalyzer) Analyze(b []byte) analysis.TokenStream {
	n := 1
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	toks := make([]analysis.Token, 0, n)
	start, pos := 0, 1
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] != '\n' {
			continue
		}
		if i > start {
			toks = append(toks, analysis.Token{Term: b[start:i], Start: start, End: i, Position: pos, Type: analysis.AlphaNumeric})
			pos++
		}
		start = i + 1
	}
	ts := make(analysis.TokenStream, len(toks))
	for i := range toks {
		ts[i] = &toks[i]
	}
	return ts
}

// listField indexes values that cannot contain '\n' (terms, level names).
func listField(name string, values []string) *document.TextField {
	return document.NewTextFieldCustom(name, nil, []byte(strings.Join(values, "\n")), indexOnly, listAnalyzer{})
}

// termsField is a field analyzed by the engine: each term comes with its
// frequency (the number of lines holding it), which Bleve stores in the
// postings. Handing over the frequencies directly also spares a join and a
// split of the terms.
type termsField struct {
	name  string
	freqs bleveindex.TokenFrequencies
}

func newTermsField(name string, terms []string, lines []uint32) *termsField {
	f := &termsField{name: name, freqs: make(bleveindex.TokenFrequencies, len(terms))}
	tfs := make([]bleveindex.TokenFreq, len(terms))
	for i, t := range terms {
		n := 1
		if lines != nil {
			n = int(lines[i])
		}
		// Bleve only reads the term; sharing the string's bytes spares a
		// copy per term.
		tfs[i].Term = unsafe.Slice(unsafe.StringData(t), len(t))
		tfs[i].SetFrequency(n)
		f.freqs[t] = &tfs[i]
	}
	return f
}

func (f *termsField) Name() string                             { return f.name }
func (f *termsField) ArrayPositions() []uint64                 { return nil }
func (f *termsField) Options() bleveindex.FieldIndexingOptions { return bleveindex.IndexField }
func (f *termsField) Analyze()                                 {}
func (f *termsField) Value() []byte                            { return nil }
func (f *termsField) NumPlainTextBytes() uint64                { return 0 }
func (f *termsField) Size() int                                { return 64 + 48*len(f.freqs) }
func (f *termsField) EncodedFieldType() byte                   { return 't' }

// AnalyzedLength is 1: Bleve stores a field's length with every posting
// (as the norm) and logdb never scores, so a length of 1 saves two to three
// bytes per (block, term) pair (measured: BENCHMARKS.md). Not 0: with a
// length of 0, counts of terms on one line came out 0.
func (f *termsField) AnalyzedLength() int { return 1 }
func (f *termsField) AnalyzedTokenFrequencies() bleveindex.TokenFrequencies {
	return f.freqs
}

// keywordField indexes one value as one term, whatever bytes it holds.
func keywordField(name, value string) *document.TextField {
	return document.NewTextFieldCustom(name, nil, []byte(value), indexOnly, nil)
}

// bleveDoc builds the Bleve document for d directly, bypassing reflection
// over a mapping.
func (d *Doc) bleveDoc() *document.Document {
	bd := document.NewDocument(d.ID)
	bd.AddField(newTermsField(FieldTerms, d.Terms, d.Lines))
	if len(d.IDPrefixes) > 0 {
		bd.AddField(listField(FieldIDPrefixes, d.IDPrefixes))
	}
	bd.AddField(listField(FieldLevels, d.Levels))
	for _, j := range d.Jobs {
		bd.AddField(keywordField(FieldJob, j))
	}
	for _, b := range d.Blocks {
		bd.AddField(keywordField(FieldBlocks, b))
	}
	for name, vals := range d.Labels {
		for _, v := range vals {
			if v != "" {
				bd.AddField(keywordField(LabelField(name), v))
			}
		}
	}
	bd.AddField(document.NewNumericFieldWithIndexingOptions(FieldMinT, nil, float64(floorSec(d.MinTime)), bleveindex.IndexField))
	bd.AddField(document.NewNumericFieldWithIndexingOptions(FieldMaxT, nil, float64(ceilSec(d.MaxTime)), bleveindex.IndexField))
	return bd
}

// Times are indexed in whole seconds: float64 cannot hold Unix nanoseconds
// exactly, and rounding outwards keeps time pruning conservative.
func floorSec(ns int64) int64 {
	s := ns / 1e9
	if ns%1e9 < 0 {
		s--
	}
	return s
}

func ceilSec(ns int64) int64 {
	s := ns / 1e9
	if ns%1e9 > 0 {
		s++
	}
	return s
}

// newMapping returns a mapping that indexes nothing by itself: every
// document arrives through IndexAdvanced with its fields built by bleveDoc.
func newMapping() mapping.IndexMapping {
	m := mapping.NewIndexMapping()
	m.DefaultMapping.Dynamic = false
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m
}

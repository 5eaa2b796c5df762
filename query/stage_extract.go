package query

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// extractStage implements the pipes that add fields to lines at query
// time: unpack_json, unpack_logfmt, extract and extract_regexp. It reads
// the From field (the message by default) of each entry and passes the
// entry on with the fields found added as labels, replacing labels of the
// same names, so that the pipes after it filter, group and compute over
// them as over labels stored at ingest. An entry in which nothing is found
// passes unchanged. Records pass unchanged too: validate keeps these pipes
// before the ones that make records.
type extractStage struct {
	in   stage
	from string
	loc  *time.Location
	find extractor

	cur    Row
	entry  engine.Entry
	found  engine.Labels // the fields found in the current entry
	labels engine.Labels // the current entry's labels, merged
}

// An extractor calls add with each field it finds in text.
type extractor func(text string, add func(name, value string))

func newExtractStage(in stage, pipe Pipe, loc *time.Location) (*extractStage, error) {
	s := &extractStage{in: in, loc: loc}
	switch p := pipe.(type) {
	case *UnpackPipe:
		s.from = p.From
		s.find = unpackJSON
		if p.Format == "logfmt" {
			s.find = unpackLogfmt
		}
	case *ExtractPipe:
		s.from = p.From
		if p.Regexp {
			re, err := regexp.Compile(p.Pattern)
			if err != nil {
				return nil, fmt.Errorf("bad regular expression %q: %w", p.Pattern, err)
			}
			s.find = regexpExtractor(re)
		} else {
			pat, err := parsePattern(p.Pattern)
			if err != nil {
				return nil, fmt.Errorf("bad extract pattern %q: %w", p.Pattern, err)
			}
			s.find = func(text string, add func(name, value string)) { pat.match(text, add) }
		}
	default:
		return nil, fmt.Errorf("query: BUG: %T extracts nothing", pipe)
	}
	return s, nil
}

// regexpExtractor adds the named groups of re's first match.
func regexpExtractor(re *regexp.Regexp) extractor {
	names := re.SubexpNames()
	return func(text string, add func(name, value string)) {
		m := re.FindStringSubmatchIndex(text)
		for i := 1; m != nil && i < len(names); i++ {
			if names[i] != "" && m[2*i] >= 0 {
				add(names[i], text[m[2*i]:m[2*i+1]])
			}
		}
	}
}

func (s *extractStage) next(ctx context.Context) bool {
	if !s.in.next(ctx) {
		return false
	}
	r := s.in.row()
	if r.Kind != EntryRow {
		s.cur = *r
		return true
	}
	text := r.Entry.Message
	if s.from != "" {
		text = toText(entryValue(r.Entry, s.from, s.loc))
	}
	s.found = s.found[:0]
	s.find(text, func(name, value string) {
		s.found = append(s.found, engine.Label{Name: name, Value: value})
	})
	if len(s.found) == 0 {
		s.cur = *r
		return true
	}
	s.entry = *r.Entry
	s.entry.Labels = s.merge(r.Entry.Labels)
	s.cur = *r
	s.cur.Entry = &s.entry
	return true
}

// merge returns the labels ls with the fields found added, sorted by name
// as engine.Labels are; a field found replaces a label of its name, and
// the last of several fields of one name wins.
func (s *extractStage) merge(ls engine.Labels) engine.Labels {
	found := s.found
	slices.SortStableFunc(found, func(a, b engine.Label) int { return strings.Compare(a.Name, b.Name) })
	out := s.labels[:0]
	for i, f := range found {
		if i+1 < len(found) && found[i+1].Name == f.Name {
			continue
		}
		out = append(out, f)
	}
	for _, l := range ls {
		if _, ok := slices.BinarySearchFunc(found, l.Name, func(a engine.Label, name string) int { return strings.Compare(a.Name, name) }); !ok {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b engine.Label) int { return strings.Compare(a.Name, b.Name) })
	s.labels = out
	return out
}

// toText returns an entry value as text, as the extractors read it.
func toText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case int64:
		return fmt.Sprint(x)
	}
	return toString(v)
}

func (s *extractStage) row() *Row    { return &s.cur }
func (s *extractStage) err() error   { return s.in.err() }
func (s *extractStage) close() error { return s.in.close() }

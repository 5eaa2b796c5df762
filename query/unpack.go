package query

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/go-logfmt/logfmt"
)

// This file holds the extractors of unpack_json and unpack_logfmt.

// unpackJSON adds the keys of a JSON object: nested objects as dotted
// names ("http.status"), numbers as written, true and false, null as "",
// arrays as their JSON text. Text that is no JSON object adds nothing.
func unpackJSON(text string, add func(name, value string)) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "{") {
		return
	}
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var m map[string]any
	if d.Decode(&m) != nil {
		return
	}
	addJSON("", m, add)
}

func addJSON(prefix string, m map[string]any, add func(name, value string)) {
	for k, v := range m {
		name := prefix + k
		switch x := v.(type) {
		case map[string]any:
			addJSON(name+".", x, add)
		case string:
			add(name, x)
		case json.Number:
			add(name, x.String())
		case bool:
			if x {
				add(name, "true")
			} else {
				add(name, "false")
			}
		case nil:
			add(name, "")
		default:
			var b bytes.Buffer
			if json.NewEncoder(&b).Encode(x) == nil {
				add(name, strings.TrimSuffix(b.String(), "\n"))
			}
		}
	}
}

// unpackLogfmt adds the key=value pairs of logfmt text, up to the first
// error; a key without a value is "".
func unpackLogfmt(text string, add func(name, value string)) {
	d := logfmt.NewDecoder(strings.NewReader(text))
	for d.ScanRecord() {
		for d.ScanKeyval() {
			add(string(d.Key()), string(d.Value()))
		}
	}
}

package ingest

import (
	"bytes"

	"github.com/logdb/logdb/engine"
)

// maxLevelWord is the length of the longest word in levelWords.
const maxLevelWord = 9

// inlineWindow is how far after a timestamp levelInline looks for a level.
const inlineWindow = 80

// levelWords are the words the free-text detectors take for a level, upper
// case. It is narrower than engine.ParseLevel on purpose: single letters
// ("E: …", "A: …"), FINE, CONFIG and VERBOSE start too many ordinary
// sentences. The klog detector handles the letters I, W, E, F itself.
var levelWords = map[string]engine.Level{
	"TRACE": engine.Trace, "TRC": engine.Trace,
	"DEBUG": engine.Debug, "DBG": engine.Debug,
	"INFO": engine.Info, "INF": engine.Info, "NOTICE": engine.Info,
	"WARN": engine.Warn, "WARNING": engine.Warn, "WRN": engine.Warn,
	"ERROR": engine.Error, "ERR": engine.Error, "SEVERE": engine.Error,
	"FATAL": engine.Fatal, "FTL": engine.Fatal, "CRITICAL": engine.Fatal, "CRIT": engine.Fatal, "PANIC": engine.Fatal,
	"ALERT": engine.Fatal, "EMERG": engine.Fatal,
}

// wordLevel maps w onto a level if it is one of levelWords. With anyCase
// unset w must be written in upper case.
func wordLevel(w []byte, anyCase bool) (engine.Level, bool) {
	if len(w) < 3 || len(w) > maxLevelWord {
		return engine.NoLevel, false
	}
	var buf [maxLevelWord]byte
	for i, c := range w {
		switch {
		case isUpper(c):
		case isLower(c) && anyCase:
			c -= 'a' - 'A'
		default:
			return engine.NoLevel, false
		}
		buf[i] = c
	}
	lvl, ok := levelWords[string(buf[:len(w)])]
	return lvl, ok
}

// wordIf is wordLevel returning the word itself, or nil when it is no
// level word. The level functions return the word as written, which the
// Reader keeps as the level_text label.
func wordIf(w []byte, anyCase bool) (engine.Level, []byte) {
	if lvl, ok := wordLevel(w, anyCase); ok {
		return lvl, w
	}
	return engine.NoLevel, nil
}

// leadingWord returns the ASCII letters at the start of s.
func leadingWord(s []byte) []byte {
	i := 0
	for i < len(s) && i <= maxLevelWord && isAlpha(s[i]) {
		i++
	}
	return s[:i]
}

// endsToken reports whether s[i] ends a token: the end of s, a space or a
// tab.
func endsToken(s []byte, i int) bool {
	return i >= len(s) || s[i] == ' ' || s[i] == '\t'
}

// levelBracket detects a level in square brackets at the start of s, in any
// case and with optional padding: Maven's "[INFO]", "[ERROR]", "[WARNING]",
// logback's "[WARN ]". The "]" must end the token (or be followed by ":").
//
// Apache 2.4's "[core:error]" counts too: the word after the last colon.
func levelBracket(s []byte) (engine.Level, []byte) {
	if len(s) < 4 || s[0] != '[' {
		return engine.NoLevel, nil
	}
	end := bytes.IndexByte(s[1:min(len(s), maxLevelWord+22)], ']')
	if end < 0 {
		return engine.NoLevel, nil
	}
	after := 1 + end + 1
	if !endsToken(s, after) && s[after] != ':' {
		return engine.NoLevel, nil
	}
	w := s[1 : 1+end]
	if c := bytes.LastIndexByte(w, ':'); c >= 0 {
		w = w[c+1:]
	}
	return wordIf(bytes.Trim(w, " "), true)
}

// levelColon detects a level word followed by a colon at the start of s:
// "ERROR: …", "error: …", "Warning: …" in any case when a blank or the end
// follows the colon, and Python's "WARNING:root:…" when the word is upper
// case.
func levelColon(s []byte) (engine.Level, []byte) {
	w := leadingWord(s)
	n := len(w)
	if n == 0 || n >= len(s) || s[n] != ':' {
		return engine.NoLevel, nil
	}
	return wordIf(w, endsToken(s, n+1))
}

// levelBare detects an upper-case level word as the first token of s:
// "INFO …", Kafka's "[…] INFO KafkaConfig values:".
func levelBare(s []byte) (engine.Level, []byte) {
	w := leadingWord(s)
	if !endsToken(s, len(w)) {
		return engine.NoLevel, nil
	}
	return wordIf(w, false)
}

// levelTitle detects a level word in title case as the first token of s,
// "Info …", "Warning …", as .NET, Windows and many generators write it. It
// is only tried right after a timestamp, where a sentence rarely starts
// with such a word.
func levelTitle(s []byte) (engine.Level, []byte) {
	w := leadingWord(s)
	if len(w) < 3 || !isUpper(w[0]) || !endsToken(s, len(w)) {
		return engine.NoLevel, nil
	}
	for _, c := range w[1:] {
		if !isLower(c) {
			return engine.NoLevel, nil
		}
	}
	return wordIf(w, true)
}

// levelInline detects an upper-case level word with a space on each side
// that starts within the first inlineWindow bytes of s, such as log4j's
// "[main] WARN com.example.Foo - …" or Python's "- root - INFO - …". Only
// the first such word counts. It is only tried after a timestamp: in other
// lines it would find too many shouted words.
func levelInline(s []byte) (engine.Level, []byte) {
	end := min(len(s), inlineWindow)
	for i := 0; i+1 < end; i++ {
		if s[i] != ' ' || !isUpper(s[i+1]) {
			continue
		}
		word := leadingWord(s[i+1:])
		if after := i + 1 + len(word); after < len(s) && s[after] == ' ' {
			if lvl, ok := wordLevel(word, false); ok {
				return lvl, word
			}
		}
	}
	return engine.NoLevel, nil
}

// levelComma detects the level after ", " that Windows' CBS log writes
// after its timestamp: "2016-09-28 04:30:30, Info   CBS …".
func levelComma(s []byte) (engine.Level, []byte) {
	if len(s) < 5 || s[0] != ',' || s[1] != ' ' {
		return engine.NoLevel, nil
	}
	w := leadingWord(s[2:])
	if !endsToken(s, 2+len(w)) {
		return engine.NoLevel, nil
	}
	return wordIf(w, true)
}

package ingest

import "bytes"

// continuation tells the lines that continue a multi-line entry, such as
// a stack trace under the line that logged it, from lines that start one.
//
// A line continues the entry before it when it has no time and no level
// of its own and it is indented, or it is a Java "Caused by: …",
// "Suppressed: …" or "... 12 more", an exception's header
// ("java.io.IOException: …", Python's "ValueError: …"), Python's
// "Traceback (most recent call last):" and the lines that chain two
// tracebacks ("During handling of the above exception, …"), or Go's
// "goroutine 1 [running]:"
// and the lines after it up to the next line with a time or level.
type continuation struct {
	goTrace bool // inside a Go goroutine dump
}

// follows reports whether line continues the entry before it; started
// says the line has a time or level of its own.
func (k *continuation) follows(line []byte, started bool) bool {
	if started {
		k.goTrace = false
		return false
	}
	if isBlank(line) {
		return false // neither continues nor ends an entry
	}
	switch c := line[0]; {
	case c == ' ' || c == '\t':
		return true
	case c == '.':
		return bytes.HasPrefix(line, []byte("... ")) && bytes.HasSuffix(line, []byte(" more"))
	case c == 'C' && bytes.HasPrefix(line, []byte("Caused by: ")),
		c == 'S' && bytes.HasPrefix(line, []byte("Suppressed: ")),
		c == 'T' && bytes.HasPrefix(line, []byte("Traceback (most recent call last):")),
		c == 'T' && bytes.HasPrefix(line, []byte("The above exception was the direct cause")),
		c == 'D' && bytes.HasPrefix(line, []byte("During handling of the above exception")):
		return true
	case c == 'g' && isGoroutineHeader(line):
		k.goTrace = true
		return true
	}
	return k.goTrace || isExceptionHeader(line)
}

// isGoroutineHeader reports whether line is "goroutine N [state]:".
func isGoroutineHeader(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, []byte("goroutine "))
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && isDigit(rest[i]) {
		i++
	}
	return i > 0 && i+1 < len(rest) && rest[i] == ' ' && rest[i+1] == '['
}

// isExceptionHeader reports whether line starts with the name of an
// exception class followed by ":" or the end: "java.io.IOException: x",
// "com.example.AppError", "ValueError: bad value".
func isExceptionHeader(line []byte) bool {
	i := 0
	for i < len(line) && i < 200 && (isAlnum(line[i]) || line[i] == '.' || line[i] == '_' || line[i] == '$') {
		i++
	}
	if i == 0 || i < len(line) && line[i] != ':' {
		return false
	}
	name := line[:i]
	return bytes.HasSuffix(name, []byte("Exception")) || bytes.HasSuffix(name, []byte("Error")) ||
		bytes.HasSuffix(name, []byte("Throwable"))
}

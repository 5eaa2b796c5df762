package ingest

import (
	"fmt"
	"strings"
	"time"
)

// Format names how the lines of a file are written.
type Format string

// The formats a Reader understands.
const (
	// FormatAuto picks one of the others per file from its first non-blank
	// line; see the package doc for the rule.
	FormatAuto Format = "auto"
	// FormatJSON reads one JSON object per line.
	FormatJSON Format = "json"
	// FormatLogfmt reads one logfmt record (key=value …) per line.
	FormatLogfmt Format = "logfmt"
	// FormatText reads free text and detects a leading time and level.
	FormatText Format = "text"
)

// ParseFormat maps a flag value ("auto", "json", "logfmt" or "text",
// ignoring case; "" means auto) onto a Format.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case "":
		return FormatAuto, nil
	case FormatAuto, FormatJSON, FormatLogfmt, FormatText:
		return f, nil
	}
	return "", fmt.Errorf("%w: unknown format %q (want auto, json, logfmt or text)", ErrBadOptions, s)
}

// DefaultMaxLineBytes is the default of Options.MaxLineBytes. It matches the
// engine's default limit on a message.
const DefaultMaxLineBytes = 4 << 20

// Options tune a Reader. The zero value of every field means its default.
type Options struct {
	// Format is how lines are written. Default FormatAuto.
	Format Format

	// Job names the run of lines that do not name one themselves (json and
	// logfmt lines may carry a job key). Default "": the caller must then
	// fill in Entry.Job before appending.
	Job string

	// Attempt is the attempt of lines that do not name one. Default 0.
	Attempt int

	// MaxLineBytes is the longest line accepted, not counting its "\n" or
	// "\r\n". A longer line is skipped, without being held in memory whole,
	// and reported as a *LineError wrapping ErrLineTooLong. Default 4 MiB.
	MaxLineBytes int

	// Location is the zone of timestamps that carry none. Default
	// time.Local.
	Location *time.Location

	// TimeFormat, for text lines, is the layout of the time at the start of
	// a line (after an optional "["): strftime ("%Y-%m-%d %H:%M:%S") or a
	// Go layout ("02.01.2006 15:04:05"). A line it does not fit goes
	// through the usual detection. Default "": detection only.
	TimeFormat string

	// Pattern, for text lines, is a regexp whose named groups time, level
	// and msg give the time, level and message of a line it matches; every
	// other named group becomes a label. %{NAME} and %{NAME:field} stand
	// for built-in patterns (TIMESTAMP, LEVEL, GREEDYDATA, …; see
	// GrokPatternNames). The time is read with TimeFormat if set, else as
	// detection would; without a time group, the line's time is found as
	// without a Pattern. A line it does not match goes through the usual
	// detection. Default "": detection only.
	Pattern string

	// Now returns the ingest time. The Reader calls it once, in NewReader:
	// lines before the first timestamp get that time, and syslog and klog
	// times, which have no year, get the latest year that does not put them
	// more than a day after it. Default time.Now; tests inject a fixed
	// clock.
	Now func() time.Time
}

// Validate reports options that cannot work: an unknown Format, a negative
// Attempt or MaxLineBytes, or a Job with a NUL byte (the engine rejects
// those). The error wraps ErrBadOptions.
func (o Options) Validate() error {
	if _, err := ParseFormat(string(o.Format)); err != nil {
		return err
	}
	switch {
	case o.Attempt < 0:
		return fmt.Errorf("%w: Attempt %d must not be negative", ErrBadOptions, o.Attempt)
	case o.MaxLineBytes < 0:
		return fmt.Errorf("%w: MaxLineBytes %d must not be negative", ErrBadOptions, o.MaxLineBytes)
	case strings.IndexByte(o.Job, 0) >= 0:
		return fmt.Errorf("%w: Job %q contains a NUL byte", ErrBadOptions, o.Job)
	}
	_, _, err := o.compile()
	return err
}

// compile compiles TimeFormat and Pattern; each result is nil when unset.
func (o Options) compile() (*timeFormat, *pattern, error) {
	var tf *timeFormat
	var p *pattern
	var err error
	if o.TimeFormat != "" {
		if tf, err = compileTimeFormat(o.TimeFormat); err != nil {
			return nil, nil, err
		}
	}
	if o.Pattern != "" {
		if p, err = compilePattern(o.Pattern); err != nil {
			return nil, nil, err
		}
	}
	return tf, p, nil
}

func (o *Options) ensureDefaults() {
	o.Format, _ = ParseFormat(string(o.Format))
	if o.MaxLineBytes == 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

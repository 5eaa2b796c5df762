package server

import "github.com/logdb/logdb/engine"

// Append appends entries through the server's group commit, as APPEND
// does, and returns the line number each got. It returns once they are
// durable (unless the DB was opened with NoSync), or with the error that
// stored none of them (a bad entry, a line too long, a finished run) or
// that may have stored a prefix of some runs' lines (see engine.Append).
//
// It lets receivers of other protocols beside the server (logdb serve's
// HTTP and syslog listeners) share its commits: their appends and the RESP
// clients' are grouped into the same durable writes. The lines count in
// INFO's appended_lines.
func (s *Server) Append(entries []engine.Entry) ([]int64, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	lines, err := s.commits.append(entries)
	if err != nil {
		return nil, err
	}
	s.stats.appended.Add(int64(len(lines)))
	return lines, nil
}

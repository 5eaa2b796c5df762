package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/logdb/logdb/query"
)

// minRefresh is the shortest \refresh interval.
const minRefresh = 100 * time.Millisecond

// cmdRefresh runs a query again and again, like the console's
// auto-refresh: on a terminal it clears the screen before each run and
// cuts the rows to fit. It stops on Ctrl-C.
func cmdRefresh(s *Shell, ctx context.Context, args string) error {
	ivText, src, _ := cutWord(args)
	if ivText == "" || src == "" {
		return fmt.Errorf(`usage: \refresh INTERVAL QUERY, such as \refresh 5s level=Error | count`)
	}
	iv, err := parseInterval(ivText)
	if err != nil {
		return err
	}
	q, err := query.Parse(src)
	if err != nil {
		return err
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			if interrupted(ctx) {
				s.note("stopped refreshing")
				return nil
			}
			return ctx.Err()
		case <-timer.C:
		}
		limit := s.MaxRows
		if h := s.height(); h > 0 {
			limit = max(1, h-4) // the header, the table's and a note
		}
		res, buf, err := s.collect(ctx, q, s.queryOptions(), limit, false)
		if err != nil {
			if interrupted(ctx) && errors.Is(err, context.Canceled) {
				s.note("stopped refreshing")
				return nil
			}
			return err
		}
		s.last = res
		var out bytes.Buffer
		header := fmt.Sprintf("every %v: %s · %s", iv, q, time.Now().In(s.Location).Format("15:04:05"))
		if s.TTY {
			out.WriteString("\x1b[H\x1b[2J") // home, clear screen
			header += " · Ctrl-C stops"
		}
		fmt.Fprintln(&out, s.dim(header))
		out.Write(buf.Bytes())
		if s.TTY && res.cut {
			fmt.Fprintln(&out, s.dim(fmt.Sprintf("(the first %d rows; more matched)", res.shown)))
		}
		if _, err := s.out.Write(out.Bytes()); err != nil {
			return err
		}
		timer.Reset(iv)
	}
}

// parseInterval reads a duration (5s, 1m, 500ms) or a number of seconds.
func parseInterval(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.ParseFloat(s, 64)
		if nerr != nil {
			return 0, fmt.Errorf("bad interval %q (want a duration such as 5s, 1m or 500ms)", s)
		}
		d = time.Duration(n * float64(time.Second))
	}
	if d < minRefresh {
		return 0, fmt.Errorf("interval %v is too short (at least %v)", d, minRefresh)
	}
	return d, nil
}

package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// A plotSeries is one line of a chart.
type plotSeries struct {
	name   string
	color  string
	points [][2]float64 // x, y
}

// rateWindow is the span over which a load's rate is averaged in the
// plot: one-second samples of a load that writes in batches are noisy.
const rateWindow = 10.0 // seconds

// ratePoints returns, for each sample while the load still took lines in,
// (lines, lines/s over the last rateWindow seconds).
func ratePoints(ss []ProgressSample) [][2]float64 {
	var out [][2]float64
	j := 0
	for i, s := range ss {
		if i > 0 && s.Lines <= ss[i-1].Lines {
			continue // done reading: indexing, or waiting for visibility
		}
		for j < i && s.Sec-ss[j+1].Sec >= rateWindow {
			j++
		}
		if dt := s.Sec - ss[j].Sec; dt > 0 && i > j {
			out = append(out, [2]float64{float64(s.Lines), float64(s.Lines-ss[j].Lines) / dt})
		}
	}
	return out
}

// rssPoints returns (lines, RSS) for every sample: after the last line
// the points stand on one x, showing what indexing or merging took.
func rssPoints(ss []ProgressSample) [][2]float64 {
	out := make([][2]float64, len(ss))
	for i, s := range ss {
		out[i] = [2]float64{float64(s.Lines), float64(s.RSS)}
	}
	return out
}

// WritePlot writes an SVG of the loads' progress in rep to w: the ingest
// rate and the resident set of logdb (and of the peer, if one ran)
// against the lines loaded. It fails if rep has no progress samples.
func WritePlot(w io.Writer, rep *Report) error {
	var rate, rss []plotSeries
	if rep.Ingest != nil && len(rep.Ingest.Progress) > 0 {
		rate = append(rate, plotSeries{"logdb", "#1f77b4", ratePoints(rep.Ingest.Progress)})
		rss = append(rss, plotSeries{"logdb", "#1f77b4", rssPoints(rep.Ingest.Progress)})
	}
	if rep.Peer != nil && len(rep.Peer.Progress) > 0 {
		rate = append(rate, plotSeries{rep.Peer.Name, "#ff7f0e", ratePoints(rep.Peer.Progress)})
		rss = append(rss, plotSeries{rep.Peer.Name, "#ff7f0e", rssPoints(rep.Peer.Progress)})
	}
	if len(rate) == 0 {
		return fmt.Errorf("no ingest progress to plot (the load was not measured in this run)")
	}
	const width, height = 900, 760
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	title := fmt.Sprintf("%s: %d lines, %d cores", rep.Dataset.Source, rep.Dataset.Lines, rep.Machine.Cores)
	svgText(&b, width/2, 24, "middle", `font-size="15"`, title)
	chart(&b, 40, "ingest rate (lines/s, 10 s average)", rate, 1, 0)
	chart(&b, 400, "resident set (MiB)", rss, 1<<20, 256)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// chart draws one chart at vertical offset top: the series with y divided
// by yUnit, x in millions of lines, and a dashed line at target (in y
// units) unless it is 0.
func chart(b *strings.Builder, top float64, title string, series []plotSeries, yUnit, target float64) {
	const left, plotW, plotH = 80.0, 660.0, 280.0
	var maxX, maxY float64
	for _, s := range series {
		for _, p := range s.points {
			maxX, maxY = math.Max(maxX, p[0]/1e6), math.Max(maxY, p[1]/yUnit)
		}
	}
	maxY = math.Max(maxY, target*1.1)
	xs, ys := niceTicks(maxX), niceTicks(maxY)
	maxX, maxY = xs[len(xs)-1], ys[len(ys)-1]
	x := func(v float64) float64 { return left + v/maxX*plotW }
	y := func(v float64) float64 { return top + 20 + plotH - v/maxY*plotH }
	svgText(b, left, top+10, "start", `font-size="13"`, title)
	for _, t := range xs {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, x(t), y(0), x(t), y(maxY))
		svgText(b, x(t), y(0)+16, "middle", "", tickLabel(t))
	}
	for _, t := range ys {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, x(0), y(t), x(maxX), y(t))
		svgText(b, x(0)-6, y(t)+4, "end", "", tickLabel(t))
	}
	svgText(b, left+plotW/2, y(0)+34, "middle", "", "lines loaded (millions)")
	if target > 0 {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c00" stroke-dasharray="6 4"/>`, x(0), y(target), x(maxX), y(target))
		svgText(b, x(maxX)+6, y(target)+4, "start", `fill="#c00"`, "target "+tickLabel(target))
	}
	for i, s := range series {
		var pts strings.Builder
		for _, p := range s.points {
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(p[0]/1e6), y(p[1]/yUnit))
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", s.color, strings.TrimSpace(pts.String()))
		ly := top + 40 + float64(i)*18
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/>`, left+plotW+14, ly, left+plotW+34, ly, s.color)
		svgText(b, left+plotW+40, ly+4, "start", "", s.name)
	}
}

// svgText writes text s at (x, y), aligned by align (start, middle or
// end), with the extra attributes attrs.
func svgText(b *strings.Builder, x, y float64, align, attrs, s string) {
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="%s" %s>%s</text>`+"\n", x, y, align, attrs, html.EscapeString(s))
}

// niceTicks returns 0 and the multiples of a round step (1, 2 or 5 times
// a power of ten) up to the first at or above max, about five of them.
func niceTicks(max float64) []float64 {
	if max <= 0 {
		return []float64{0, 1}
	}
	step := math.Pow(10, math.Floor(math.Log10(max/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if max/(step*m) <= 6 {
			step *= m
			break
		}
	}
	ticks := []float64{0}
	for v := step; ; v += step {
		ticks = append(ticks, v)
		if v >= max {
			return ticks
		}
	}
}

// tickLabel formats a tick value: 250k, 1.5M, 40.
func tickLabel(v float64) string {
	switch {
	case v >= 1e6:
		return trimZero(fmt.Sprintf("%.1f", v/1e6)) + "M"
	case v >= 1e3:
		return trimZero(fmt.Sprintf("%.1f", v/1e3)) + "k"
	}
	return trimZero(fmt.Sprintf("%.2f", v))
}

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

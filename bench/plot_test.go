package bench

import (
	"slices"
	"strings"
	"testing"
)

// Ensure that the plot of a load draws a line per system in each chart,
// the RSS target, and ticks that cover the data.
func TestWritePlot(t *testing.T) {
	var ours, theirs []ProgressSample
	for i := range 60 {
		ours = append(ours, ProgressSample{Sec: float64(i), Lines: int64(i) * 250_000, RSS: int64(150+i) << 20})
		theirs = append(theirs, ProgressSample{Sec: float64(i), Lines: int64(i) * 200_000, RSS: int64(180+2*i) << 20})
	}
	// Indexing after the last line: same lines, RSS still sampled.
	ours = append(ours, ProgressSample{Sec: 60, Lines: 59 * 250_000, RSS: 300 << 20})
	rep := &Report{
		Dataset: Dataset{Source: "logs.jsonl", Lines: 14_750_000},
		Machine: Machine{Cores: 2},
		Ingest:  &IngestResult{Progress: ours},
		Peer:    &PeerResult{Name: PeerVictoriaLogs, Progress: theirs},
	}
	var b strings.Builder
	if err := WritePlot(&b, rep); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	for _, want := range []string{"<svg", "logs.jsonl: 14750000 lines, 2 cores", ">logdb<", ">victoria-logs<", "target 256", "lines loaded (millions)", "</svg>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the plot lacks %q", want)
		}
	}
	if n := strings.Count(svg, "<polyline"); n != 4 {
		t.Errorf("%d lines drawn, want 4 (rate and RSS of both)", n)
	}
	// The rate of a steady 250k lines/s load is 250k once the window fills.
	if r := ratePoints(ours); len(r) == 0 || r[len(r)-1][1] != 250_000 {
		t.Errorf("rate points %v, want the last at 250000 lines/s", r[len(r)-3:])
	}
	if got := len(rssPoints(ours)); got != len(ours) {
		t.Errorf("%d RSS points of %d samples", got, len(ours))
	}
	if err := WritePlot(&b, &Report{}); err == nil {
		t.Error("a report without progress was plotted")
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		max  float64
		want []float64
	}{
		{14.75, []float64{0, 5, 10, 15}},
		{256 * 1.1, []float64{0, 50, 100, 150, 200, 250, 300}},
	} {
		if got := niceTicks(c.max); !slices.Equal(got, c.want) {
			t.Errorf("niceTicks(%g) = %v, want %v", c.max, got, c.want)
		}
	}
	if got := niceTicks(0.9); len(got) != 6 || tickLabel(got[5]) != "1" || tickLabel(got[3]) != "0.6" {
		t.Errorf("niceTicks(0.9) = %v, want 0 … 1 by 0.2", got)
	}
}

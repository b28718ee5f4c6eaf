package benchmarks

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"
)

// result is one measured terraform command.
type result struct {
	scenario string
	subject  string // what ran: the provider, or a baseline
	fleet    string
	wall     time.Duration
	requests int   // Harness requests (-1: no Harness involved)
	throttle int   // 429 answers among them
	failed   int   // requests that failed for good (terraform errors)
	peakRSS  int64 // bytes; 0 when no plugin process was measured
	target   string
}

var (
	resultsMu sync.Mutex
	results   []result
)

// record keeps r for the table and reports it as benchmark metrics.
func record(b *testing.B, r result) {
	resultsMu.Lock()
	results = append(results, r)
	resultsMu.Unlock()
	b.ReportMetric(r.wall.Seconds(), strings.ReplaceAll(r.subject, " ", "_")+"-s")
	if r.requests >= 0 {
		b.ReportMetric(float64(r.requests), strings.ReplaceAll(r.subject, " ", "_")+"-requests")
	}
}

// TestMain prints the table of every measured command after the
// benchmarks ran, each scenario's first row being the subject and the
// others its baselines, with the subject's wall time as a ratio of theirs.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	if len(results) > 0 {
		printTable(os.Stdout)
	}
	os.Exit(code)
}

func printTable(out *os.File) {
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "scenario\tsubject\tobjects\twall s\tratio\trequests\t429s\tpeak MB\ttarget\t")
	first := map[string]result{}
	for _, r := range results {
		lead, ok := first[r.scenario]
		if !ok {
			first[r.scenario] = r
			lead = r
		}
		ratio := "-"
		if r.subject != lead.subject && r.wall > 0 {
			ratio = fmt.Sprintf("%.2fx", lead.wall.Seconds()/r.wall.Seconds())
		}
		reqs, thr := "-", "-"
		if r.requests >= 0 {
			reqs, thr = fmt.Sprint(r.requests), fmt.Sprint(r.throttle)
		}
		mb := "-"
		if r.peakRSS > 0 {
			mb = fmt.Sprintf("%.0f", float64(r.peakRSS)/(1<<20))
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t\n",
			r.scenario, r.subject, r.fleet, r.wall.Seconds(), ratio, reqs, thr, mb, r.target)
	}
	_ = w.Flush()
	fmt.Fprintln(out, "ratio: the scenario's first row (the provider) over this row, wall time; 429s: answers the mock throttled")
}

package review

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/internal/catalog"
	"github.com/mdrgate/mdrgate/internal/result"
)

// The HTML report opened in a real browser: headless Chromium (Debian's
// chromium package, which scripts/test.sh installs) loads the page, dumps its
// DOM, logs its console, takes a screenshot and prints it to PDF.

// chromium returns the Chromium binary, skipping the test when there is none,
// except in CI (CI=true), where a missing browser fails the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (neither chromium nor chromium-browser is on PATH): scripts/test.sh installs Debian's chromium package")
	}
	t.Skip("chromium is not installed (neither chromium nor chromium-browser is on PATH): install Debian's chromium package to run the browser tests")
	return ""
}

// browser runs headless Chromium with a profile of its own.
type browser struct {
	bin     string
	profile string
}

func newBrowser(t *testing.T) *browser {
	return &browser{bin: chromium(t), profile: t.TempDir()}
}

// run runs Chromium with args after the common headless flags, within 90
// seconds, and returns its standard output and standard error.
func (b *browser) run(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu",
		"--user-data-dir=" + b.profile, "--no-first-run", "--no-default-browser-check",
	}, args...)
	cmd := exec.CommandContext(ctx, b.bin, all...)
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("chromium %s: timed out after 90s\n%s", strings.Join(args, " "), errOut.String())
	}
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

// consoleLine matches what Chromium logs, with --enable-logging=stderr --v=0,
// about a page's own behaviour: a console message ("INFO:CONSOLE:1] "msg",
// source: file:///..."), an uncaught exception, or a resource that failed to
// load. Every other stderr line is Chromium's own noise and is ignored: D-Bus
// (dbus/bus.cc, object_proxy.cc, idle_linux.cc), the GPU process
// (vaapi_wrapper.cc, sandbox_linux.cc "InitializeSandbox() called with
// multiple threads") and the Debian wrapper script's shell warnings.
var consoleLine = regexp.MustCompile(`:CONSOLE[:(\]]|Uncaught|Failed to load resource|net::ERR_`)

// pageProblems returns the stderr lines that report the page's own console
// messages, errors or failed loads.
func pageProblems(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		if consoleLine.MatchString(line) {
			out = append(out, line)
		}
	}
	return out
}

// fullReview is a review of every built-in control (38 in the demo), with
// VER-05 re-evaluated as failing when failing is true; its violation message
// carries a script that would log an uncaught error if it ever ran.
func fullReview(t *testing.T, failing bool) *Report {
	t.Helper()
	controls, err := catalog.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []fixtureControl
	for _, c := range controls {
		fixtures = append(fixtures, fixtureControl{
			id: c.ID, title: c.Title, severity: c.Severity, refs: c.Refs,
			evidence: []string{"release/evidence/" + strings.ToLower(c.ID) + ".json"},
		})
	}
	a := attestationOf("2.4.0", atTime, fixtures)
	r := reportOf("pass", a)
	if failing {
		for i := range a.Controls {
			if a.Controls[i].ID == "VER-05" {
				c := &a.Controls[i]
				c.Reevaluated, c.Agrees = result.Fail, false
				c.Violations = []result.Violation{{Msg: `anomaly ANOM-17 <script>mdrgateInjected()</script> has no assessment`, Path: "release/anomalies.yaml", Line: 42}}
			}
		}
		a.Reproduced = Check{OK: false, Reason: "VER-05: recorded pass, re-evaluated fail"}
		a.Verdict = "fail"
		a.Problems = []string{"reproduced: " + a.Reproduced.Reason}
		r = reportOf("fail", a)
	}
	return r
}

// colour counts the pixels of img in rows [y0, y1) within 40 of (r, g, b) on
// every channel.
func colour(img image.Image, y0, y1 int, r, g, b uint32) int {
	n := 0
	near := func(a, b uint32) bool { return a+40 >= b && b+40 >= a }
	for y := y0; y < y1; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr>>8, r) && near(pg>>8, g) && near(pb>>8, b) {
				n++
			}
		}
	}
	return n
}

func TestChromiumDetectsPageErrors(t *testing.T) {
	b := newBrowser(t)
	page := filepath.Join(t.TempDir(), "broken.html")
	if err := os.WriteFile(page, []byte(`<!DOCTYPE html><html><body><p>x</p><script>mdrgateUndefined()</script></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := b.run(t, "--enable-logging=stderr", "--v=0", "--dump-dom", "file://"+page)
	problems := pageProblems(stderr)
	if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), "mdrgateUndefined") {
		t.Fatalf("a page with an uncaught error logged no console problem; stderr:\n%s", stderr)
	}
}

func TestChromiumRendersReview(t *testing.T) {
	b := newBrowser(t)
	tests := []struct {
		name    string
		failing bool
		// banner is the verdict banner's background; other the other verdict's.
		banner, other [3]uint32
		verdict       string
	}{
		{"failing", true, [3]uint32{0xb3, 0x00, 0x1b}, [3]uint32{0x1e, 0x7b, 0x34}, "fail"},
		{"passing", false, [3]uint32{0x1e, 0x7b, 0x34}, [3]uint32{0xb3, 0x00, 0x1b}, "pass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReview(t, tt.failing)
			n := len(r.Attestations[0].Controls)
			if n < 38 {
				t.Fatalf("the review has %d controls, want every built-in control (38)", n)
			}
			dir := t.TempDir()
			page := filepath.Join(dir, "review.html")
			var html bytes.Buffer
			if err := Render(&html, "html", r); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(page, html.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			url := "file://" + page

			dom, stderr := b.run(t, "--enable-logging=stderr", "--v=0", "--dump-dom", url)
			if got := strings.Count(dom, `<tr class="control"`); got != n {
				t.Errorf("the browser's DOM has %d control rows, want %d", got, n)
			}
			if !strings.Contains(dom, `data-verdict="`+tt.verdict+`"`) {
				t.Errorf("the browser's DOM has no %s verdict banner", tt.verdict)
			}
			if strings.Contains(dom, "<script") {
				t.Error("the browser's DOM holds a script element")
			}
			for _, p := range pageProblems(stderr) {
				t.Errorf("the page logged: %s", p)
			}

			shot := filepath.Join(dir, "review.png")
			b.run(t, "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars", url)
			f, err := os.Open(shot)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatalf("decoding the screenshot: %v", err)
			}
			if got := img.Bounds().Size(); got != image.Pt(1280, 2000) {
				t.Errorf("screenshot is %v, want 1280x2000", got)
			}
			first := img.At(0, 0)
			blank := true
			for y := 0; y < img.Bounds().Dy() && blank; y += 7 {
				for x := 0; x < img.Bounds().Dx(); x += 7 {
					if img.At(x, y) != first {
						blank = false
						break
					}
				}
			}
			if blank {
				t.Fatal("the screenshot is one colour: the page did not render")
			}
			// The verdict banner fills the top of the page in its colour, and the
			// other verdict's colour is nowhere near it.
			t.Logf("banner pixels: %d of the %s colour, %d of the other", colour(img, 0, 250, tt.banner[0], tt.banner[1], tt.banner[2]), tt.verdict, colour(img, 0, 250, tt.other[0], tt.other[1], tt.other[2]))
			if got := colour(img, 0, 250, tt.banner[0], tt.banner[1], tt.banner[2]); got < 50000 {
				t.Errorf("the top of the page has %d pixels of the %s banner's colour, want a banner (at least 50000)", got, tt.verdict)
			}
			if got := colour(img, 0, 250, tt.other[0], tt.other[1], tt.other[2]); got > 500 {
				t.Errorf("the top of the page has %d pixels of the other verdict's colour", got)
			}

			pdf := filepath.Join(dir, "review.pdf")
			b.run(t, "--no-pdf-header-footer", "--print-to-pdf="+pdf, url)
			data, err := os.ReadFile(pdf)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("%PDF-")) {
				t.Fatalf("printing to PDF wrote no PDF: %.20q", data)
			}
			pages := pdfPages(data)
			t.Logf("printed to %d PDF pages (%d bytes)", pages, len(data))
			if pages < 2 {
				t.Errorf("the printed report has %d pages, want the %d controls spread over several", pages, n)
			}
		})
	}
}

// pdfPages returns the page count of Chromium's PDF (the /Count of its page tree).
func pdfPages(data []byte) int {
	m := regexp.MustCompile(`/Type /Pages\s*/Count (\d+)|/Count (\d+)`).FindAllSubmatch(data, -1)
	most := 0
	for _, x := range m {
		s := string(x[1]) + string(x[2])
		if n, err := strconv.Atoi(s); err == nil && n > most {
			most = n
		}
	}
	return most
}

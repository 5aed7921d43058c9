package report

// The report is opened in headless Chromium through chromedriver (the
// WebDriver protocol over HTTP on the loopback interface): the page must
// load, every image must decode, and the browser log (console messages,
// JavaScript errors and failed resource loads) must hold no error. A full
// page screenshot is saved, to $GOFT_REPORT_SCREENSHOT if set.
//
// Needs Debian's chromium and chromium-driver packages; skipped without them.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// browser is a chromedriver process with one headless Chromium session.
type browser struct {
	base, session string
	cmd           *exec.Cmd
}

// findChromium returns the paths of chromedriver and Chromium, or skips the
// test.
func findChromium(t *testing.T) (driver, chrome string) {
	t.Helper()
	driver, err := exec.LookPath("chromedriver")
	if err != nil {
		t.Skip("chromedriver not found: install Debian's chromium and chromium-driver packages (apt-get install -y chromium chromium-driver) to check the report in headless Chromium")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return driver, p
		}
	}
	t.Skip("chromium not found: install Debian's chromium and chromium-driver packages (apt-get install -y chromium chromium-driver) to check the report in headless Chromium")
	return "", ""
}

// call sends a WebDriver command and decodes the "value" of the answer.
func (b *browser) call(method, path string, body any, value any) error {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(j)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("webdriver %s %s: %s: %s", method, path, resp.Status, raw)
	}
	if value == nil {
		return nil
	}
	var env struct{ Value json.RawMessage }
	if err := json.Unmarshal(raw, &env); err != nil {
		return err
	}
	return json.Unmarshal(env.Value, value)
}

// startBrowser starts chromedriver on a free loopback port and opens a
// headless Chromium session; both end with the test.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	driver, chrome := findChromium(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	b := &browser{base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	b.cmd = exec.Command(driver, fmt.Sprintf("--port=%d", port))
	var logBuf bytes.Buffer
	b.cmd.Stdout, b.cmd.Stderr = &logBuf, &logBuf
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if b.session != "" {
			b.call(http.MethodDelete, "/session/"+b.session, nil, nil)
		}
		b.cmd.Process.Kill()
		b.cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		var st struct{ Ready bool }
		if err := b.call(http.MethodGet, "/status", nil, &st); err == nil && st.Ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromedriver did not start: %s", logBuf.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": chrome,
			"args": []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--hide-scrollbars", "--window-size=1200,900"},
		},
		"goog:loggingPrefs": map[string]string{"browser": "ALL"},
	}}}
	// Chromium has been seen to exit at start on a loaded machine
	// ("session not created: Chrome instance exited") and start on the
	// next try: three tries, each failure reported if all fail.
	var errs []error
	for try := 0; try < 3; try++ {
		var sess struct{ SessionID string }
		err := b.call(http.MethodPost, "/session", caps, &sess)
		if err == nil {
			b.session = sess.SessionID
			return b
		}
		errs = append(errs, err)
		time.Sleep(time.Second)
	}
	t.Fatalf("starting headless Chromium (3 tries): %v", errors.Join(errs...))
	return nil
}

// pageCheck is what a page showed in the browser.
type pageCheck struct {
	title        string
	brokenImages int
	images       int
	errors       []string // SEVERE browser log entries
	screenshot   []byte   // PNG of the whole page
}

// open loads the file at path and reports what the browser saw.
func (b *browser) open(t *testing.T, path string) pageCheck {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	s := "/session/" + b.session
	if err := b.call(http.MethodPost, s+"/url", map[string]string{"url": "file://" + abs}, nil); err != nil {
		t.Fatal(err)
	}
	var res []any
	script := `return [document.readyState, document.title, document.images.length,
		Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length,
		document.documentElement.scrollHeight]`
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := b.call(http.MethodPost, s+"/execute/sync", map[string]any{"script": script, "args": []any{}}, &res); err != nil {
			t.Fatal(err)
		}
		if res[0] == "complete" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	pc := pageCheck{title: res[1].(string), images: int(res[2].(float64)), brokenImages: int(res[3].(float64))}
	var logs []struct{ Level, Message string }
	if err := b.call(http.MethodPost, s+"/se/log", map[string]string{"type": "browser"}, &logs); err != nil {
		t.Fatal(err)
	}
	for _, l := range logs {
		if l.Level == "SEVERE" {
			pc.errors = append(pc.errors, l.Message)
		}
	}
	height := int(res[4].(float64))
	if err := b.call(http.MethodPost, s+"/window/rect", map[string]int{"width": 1200, "height": min(height+100, 16000)}, nil); err != nil {
		t.Logf("resizing the window for the screenshot: %v", err)
	}
	var shot string
	if err := b.call(http.MethodGet, s+"/screenshot", nil, &shot); err != nil {
		t.Fatal(err)
	}
	if pc.screenshot, err = base64.StdEncoding.DecodeString(shot); err != nil {
		t.Fatal(err)
	}
	return pc
}

func TestReportInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("browser check skipped in -short mode")
	}
	b := startBrowser(t)
	dir := t.TempDir()

	// The check must see errors where there are some.
	bad := filepath.Join(dir, "bad.html")
	os.WriteFile(bad, []byte(`<!DOCTYPE html><html><head><title>bad</title></head><body>
<img src="missing.png"><script>console.error("boom")</script></body></html>`), 0o644)
	pc := b.open(t, bad)
	if pc.brokenImages != 1 || len(pc.errors) < 2 {
		t.Fatalf("the browser check misses errors: %d broken images, errors %q", pc.brokenImages, pc.errors)
	}

	run := makeRun(t)
	html, _, err := Build(run, Options{Generator: "goft test"})
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, html, 0o644); err != nil {
		t.Fatal(err)
	}
	pc = b.open(t, page)
	if !strings.HasPrefix(pc.title, "Run report") {
		t.Errorf("page title %q", pc.title)
	}
	// 8 history plots, initial and final maps, the strip of output maps.
	if pc.images != 11 || pc.brokenImages != 0 {
		t.Errorf("%d images, %d of them broken; want 11 and 0", pc.images, pc.brokenImages)
	}
	for _, e := range pc.errors {
		t.Errorf("browser error: %s", e)
	}
	img, err := png.Decode(bytes.NewReader(pc.screenshot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if img.Bounds().Dx() < 800 || img.Bounds().Dy() < 900 {
		t.Errorf("screenshot is %v", img.Bounds())
	}
	out := os.Getenv("GOFT_REPORT_SCREENSHOT")
	if out == "" {
		out = filepath.Join(dir, "report.png")
	}
	if err := os.WriteFile(out, pc.screenshot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the report: %s (%v)", out, img.Bounds())
}

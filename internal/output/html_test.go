package output

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHTMLInChromium opens the report in headless Chromium (Debian's
// chromium, which .ci/run installs) and checks what the browser shows:
// the rendered DOM has the summary, one row per finding and the trust
// inventory, and the page loads nothing from the network.
func TestHTMLInChromium(t *testing.T) {
	browser := ""
	for _, b := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(b); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("chromium not installed: apt-get install chromium (.ci/run does)")
	}
	r := sample()["many"]
	r.Inventory = sample()["inventory"].Inventory
	var buf bytes.Buffer
	if err := HTML(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, banned := range []string{"<script", "http://", "<link", "@import", "src="} {
		if strings.Contains(page, banned) {
			t.Errorf("page is not self-contained: contains %q", banned)
		}
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--dump-dom", "file://"+file)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	for _, want := range []string{
		"se01.example.org: 3 failed (1 critical, 2 high), 1 waived",
		`data-check="issuer-dev-vo"`, `data-check="site/storage-issuers"`, `data-check="log-token-leak"`, `data-check="audience-any"`,
		"/etc/xrootd/scitokens.cfg:6", "https://atlas-auth.cern.ch/", "Trust inventory",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the browser does not show %q", want)
		}
	}
	if strings.Count(dom, "<tr class=") != len(r.Findings) {
		t.Errorf("browser shows %d finding rows, want %d", strings.Count(dom, "<tr class="), len(r.Findings))
	}
	if strings.Contains(dom, fakeJWT) {
		t.Error("the page shows a token")
	}
}

package recipes

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestRenderKeepsWhatItMayKeep: a fix's renderings are kept by the
// values its template names, so a value it does not name (another
// host's name) reuses one and a value it names never does; a template
// that asks for the release is rendered every time.
func TestRenderKeepsWhatItMayKeep(t *testing.T) {
	fix := func(src string) *Fix {
		expr, diags := hclsyntax.ParseTemplate([]byte(src), "test.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return &Fix{Service: "xrootd", Text: expr}
	}
	render := func(f *Fix, values map[string]any, rel Release) string {
		t.Helper()
		s, err := f.Render(values, rel)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	f := fix(`In ${file}: drop ${issuer} (${join(",", audiences)})`)
	tests := []struct {
		values map[string]any
		want   string
	}{
		{map[string]any{"file": "/etc/xrootd/scitokens.cfg", "issuer": "https://a/", "host": "h1", "audiences": []string{"x", "y"}}, "In /etc/xrootd/scitokens.cfg: drop https://a/ (x,y)"},
		{map[string]any{"file": "/etc/xrootd/scitokens.cfg", "issuer": "https://a/", "host": "h2", "audiences": []string{"x", "y"}}, "In /etc/xrootd/scitokens.cfg: drop https://a/ (x,y)"},
		{map[string]any{"file": "/etc/xrootd/scitokens.cfg", "issuer": "https://b/", "host": "h1", "audiences": []string{"x", "y"}}, "In /etc/xrootd/scitokens.cfg: drop https://b/ (x,y)"},
		{map[string]any{"file": "/etc/xrootd/scitokens.cfg", "issuer": "https://b/", "audiences": []string{"x,y"}}, "In /etc/xrootd/scitokens.cfg: drop https://b/ (x,y)"},
		{map[string]any{"file": "/etc/xrootd/scitokens.cfg", "issuer": "https://b/"}, "In /etc/xrootd/scitokens.cfg: drop https://b/ ()"},
		{map[string]any{"file": "/etc/xrootd/scitokens.cfg:", "issuer": "https://b/"}, "In /etc/xrootd/scitokens.cfg:: drop https://b/ ()"},
	}
	for _, tc := range tests {
		if got := render(f, tc.values, Release{}); got != tc.want {
			t.Errorf("Render(%v) = %q, want %q", tc.values, got, tc.want)
		}
	}
	if n := f.renderCount.Load(); n != 5 {
		t.Errorf("%d renderings kept, want 5 (the host's name is not in the template)", n)
	}

	rel := fix(`%{ if known() }${release()}%{ else }unknown%{ endif } in ${file}`)
	for _, name := range []string{"XRootD 5.6.9", "XRootD 5.7.1", ""} {
		want := name + " in f"
		if name == "" {
			want = "unknown in f"
		}
		if got := render(rel, map[string]any{"file": "f"}, Release{Name: name}); got != want {
			t.Errorf("release %q: %q, want %q", name, got, want)
		}
	}
	if n := rel.renderCount.Load(); n != 0 {
		t.Errorf("%d renderings kept of a template that asks for the release", n)
	}
}

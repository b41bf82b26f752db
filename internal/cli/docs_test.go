package cli

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/scan"
	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// TestREADMEIsGenerated fails when the README's generated sections (checks
// from the recipes, services from the registry, the site profile from
// docs.go, which also writes ttt-check-site.toml(5)) differ from what
// `make docs` writes: the README, the registries, the recipes and the man
// pages never drift.
func TestREADMEIsGenerated(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := generatedREADME(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != want {
		t.Error("README.md's generated sections are out of date: run make docs and commit the result")
	}
}

// TestExitCodesMatchREADME: the README's exit code table and the man
// pages' EXIT STATUS of scan come from the same rows.
func TestExitCodesMatchREADME(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	var b strings.Builder
	b.WriteString("| code | meaning |\n|---|---|\n")
	for _, e := range scanExitCodes {
		b.WriteString("| " + e.Code + " | " + e.Meaning + " |\n")
	}
	b.WriteString("\n" + nagiosExitCodes + "\n")
	if !strings.Contains(readme, "### Exit codes\n\n"+b.String()) {
		t.Errorf("README's exit code table differs from scanExitCodes and nagiosExitCodes in docs.go; want\n%s", b.String())
	}
}

// TestSiteProfileDocMatchesReader: the documented profile is the one the
// reader accepts — the example loads, every key the reader knows is
// documented and nothing else, every documented environment loads, the
// example's VO list is the recipes' — and internal/site/doc.go's example
// documents the same keys.
func TestSiteProfileDocMatchesReader(t *testing.T) {
	dir := t.TempDir()
	load := func(name, text string) error {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := scan.New(scan.Config{Root: dir, ProfileFile: file})
		return err
	}
	if err := load("example.toml", profileExample); err != nil {
		t.Errorf("the documented example does not load: %v", err)
	}
	for _, env := range profileEnvironments {
		if err := load(env+".toml", "environment = \""+env+"\"\n"); err != nil {
			t.Errorf("documented environment %q: %v", env, err)
		}
	}
	if err := load("bogus.toml", "environment = \"bogus\"\n"); err == nil {
		t.Error("an undocumented environment loads: the test cannot tell")
	}
	if !strings.Contains(profileExample, strings.Join(profileEnvironments, " | ")) {
		t.Errorf("the example does not list the environments %v", profileEnvironments)
	}

	// The reader's keys, from its TOML tags.
	reader := readerKeys(t, "../site/site.go")
	if len(reader[""]) < 7 || len(reader["waivers"]) < 6 {
		t.Fatalf("reader keys %v: the test no longer finds internal/site's raw structs", reader)
	}
	documented := map[string][]string{}
	for _, k := range profileKeys {
		table := strings.Trim(k.Table, "[]")
		documented[table] = append(documented[table], k.Key)
		if table != "" && !contains(documented[""], table) {
			documented[""] = append(documented[""], table)
		}
	}
	delete(reader, "severity") // a map: its keys are check ids
	delete(documented, "severity")
	for table, keys := range reader {
		sort.Strings(keys)
		doc := documented[table]
		sort.Strings(doc)
		if !reflect.DeepEqual(keys, doc) {
			t.Errorf("table %q: internal/site reads %v, docs.go documents %v", table, keys, doc)
		}
	}
	for table := range documented {
		if _, ok := reader[table]; !ok {
			t.Errorf("docs.go documents table %q the reader does not know", table)
		}
	}

	// internal/site/doc.go's example: the same keys.
	data, err := os.ReadFile("../site/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`(?m)^//\t([a-z]+)\s+=`)
	all := map[string]bool{}
	for _, k := range profileKeys {
		all[k.Key] = true
	}
	seen := map[string]bool{}
	for _, m := range key.FindAllStringSubmatch(string(data), -1) {
		seen[m[1]] = true
		if !all[m[1]] {
			t.Errorf("internal/site/doc.go documents key %q, docs.go does not", m[1])
		}
	}
	for k := range all {
		if k != "CHECK-ID" && !seen[k] {
			t.Errorf("docs.go documents key %q, internal/site/doc.go's example lacks it", k)
		}
	}

	// The example's VO comment names the recipes' VOs.
	cat, err := scan.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	var vos []string
	for _, v := range cat.VOs {
		vos = append(vos, v.Name)
	}
	m := regexp.MustCompile(`(?m)^vos .*# (.*)$`).FindStringSubmatch(profileExample)
	if m == nil {
		t.Fatal("the example has no vos comment")
	}
	listed := strings.Split(m[1], ", ")
	sort.Strings(listed)
	sort.Strings(vos)
	if !reflect.DeepEqual(listed, vos) {
		t.Errorf("the example's vos comment lists %v, the recipes know %v", listed, vos)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// readerKeys returns the TOML keys of the profile reader's raw structs:
// "" for the top level, else the table name.
func readerKeys(t *testing.T, file string) map[string][]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	structs := map[string]*ast.StructType{}
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			if st, ok := ts.Type.(*ast.StructType); ok {
				structs[ts.Name.Name] = st
			}
		}
		return true
	})
	tags := func(st *ast.StructType) map[string]string { // key -> element type name
		out := map[string]string{}
		for _, fld := range st.Fields.List {
			if fld.Tag == nil {
				continue
			}
			tag, _ := strconv.Unquote(fld.Tag.Value)
			name := reflect.StructTag(tag).Get("toml")
			if name == "" {
				continue
			}
			elem := ""
			if at, ok := fld.Type.(*ast.ArrayType); ok {
				if id, ok := at.Elt.(*ast.Ident); ok {
					elem = id.Name
				}
			}
			out[name] = elem
		}
		return out
	}
	top, ok := structs["rawProfile"]
	if !ok {
		t.Fatalf("%s: no rawProfile struct; update the test with the reader", file)
	}
	keys := map[string][]string{}
	for name, elem := range tags(top) {
		keys[""] = append(keys[""], name)
		if st, ok := structs[elem]; ok {
			for sub := range tags(st) {
				keys[name] = append(keys[name], sub)
			}
		} else if name == "severity" {
			keys[name] = nil
		}
	}
	return keys
}

// TestManPages generates the man pages twice with a fixed
// SOURCE_DATE_EPOCH: byte-identical, one page per visible command with
// every section a page needs, the profile's page with every key, the
// checks from the recipes and the services from the registry.
func TestManPages(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	gen := func() (string, map[string]string) {
		dir := t.TempDir()
		root := NewRootCommand(&bytes.Buffer{}, &bytes.Buffer{})
		root.SetArgs([]string{"docs", "--man", dir, "--completions", filepath.Join(dir, "completions")})
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		pages := map[string]string{}
		files, _ := filepath.Glob(filepath.Join(dir, "*.[15]"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			pages[filepath.Base(f)] = string(data)
		}
		for _, c := range []string{"ttt-check.bash", "_ttt-check", "ttt-check.fish"} {
			if st, err := os.Stat(filepath.Join(dir, "completions", c)); err != nil || st.Size() == 0 {
				t.Errorf("completion %s not written: %v", c, err)
			}
		}
		return dir, pages
	}
	dir, pages := gen()
	_, again := gen()
	if !reflect.DeepEqual(pages, again) {
		t.Error("two generations with the same SOURCE_DATE_EPOCH differ")
	}

	root := NewRootCommand(&bytes.Buffer{}, &bytes.Buffer{})
	want := []string{"ttt-check.1"}
	for _, c := range root.Commands() {
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				want = append(want, "ttt-check-"+c.Name()+"-"+sub.Name()+".1")
			}
		}
		if c.IsAvailableCommand() {
			want = append(want, "ttt-check-"+c.Name()+".1")
			if _, ok := manPages[c.CommandPath()]; !ok {
				t.Errorf("no man page sections for %q in docs.go", c.CommandPath())
			}
		}
	}
	for path := range manPages {
		if c, _, err := root.Find(strings.Fields(path)[1:]); err != nil || c.CommandPath() != path {
			t.Errorf("docs.go has man page sections for %q, which is no command", path)
		}
	}
	for _, name := range want {
		page, ok := pages[name]
		if !ok {
			t.Errorf("no man page %s", name)
			continue
		}
		for _, sec := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"} {
			if !strings.Contains(page, "\n.SH "+sec+"\n") {
				t.Errorf("%s lacks %s", name, sec)
			}
		}
		if !strings.Contains(page, `"Nov 2023" "ttt-check `+scan.ToolVersion()+`"`) {
			t.Errorf("%s: header without SOURCE_DATE_EPOCH's date and the tool version:\n%s", name, strings.SplitN(page, "\n", 3)[1])
		}
		if strings.Contains(page, ".SH EXAMPLE\n") {
			t.Errorf("%s has cobra's EXAMPLE section beside EXAMPLES", name)
		}
	}
	if len(pages) != len(want)+1 {
		t.Errorf("pages %v, want %v and ttt-check-site.toml.5", keys(pages), want)
	}

	profile := pages["ttt-check-site.toml.5"]
	for _, k := range profileKeys {
		if !strings.Contains(profile, `\fB`+roffEscape(k.Key)+" (") {
			t.Errorf("ttt-check-site.toml(5) does not document %s", k.Key)
		}
	}
	for _, sec := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "FILES", "EXAMPLES", "SEE ALSO"} {
		if !strings.Contains(profile, "\n.SH "+sec+"\n") {
			t.Errorf("ttt-check-site.toml(5) lacks %s", sec)
		}
	}
	cat, err := scan.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cat.Checks {
		if !strings.Contains(pages["ttt-check-checks.1"], `\fB`+roffEscape(c.ID)+" (") {
			t.Errorf("ttt-check-checks(1) does not list %s", c.ID)
		}
	}
	for _, s := range cat.Services {
		if !strings.Contains(pages["ttt-check-scan.1"], roffEscape("("+s.Name+")")) {
			t.Errorf("ttt-check-scan(1) FILES does not list %s", s.Name)
		}
	}

	// The pages render without a warning from man (lintian's check).
	t.Run("man", func(t *testing.T) {
		if testing.Short() {
			t.Skip("renders every page with man (-short)")
		}
		man := testkit.Program(t, "man", "man-db")
		files, _ := filepath.Glob(filepath.Join(dir, "*.[15]"))
		for _, f := range files {
			cmd := exec.Command(man, "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", f)
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = nil, &stderr
			if err := cmd.Run(); err != nil || stderr.Len() > 0 {
				t.Errorf("man %s: %v\n%s", filepath.Base(f), err, stderr.String())
			}
		}
	})
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestRoffEscapes: text never starts a request, code is bold, dashes are
// minus signs.
func TestRoffEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"a `--root` b":    `a \fB\-\-root\fP b`,
		".hidden":         `\&.hidden`,
		"x\n'y":           "x\n\\&'y",
		`back\slash \| x`: `back\eslash | x`,
	} {
		if got := roffLines(in); got != want {
			t.Errorf("roffLines(%q) = %q, want %q", in, got, want)
		}
	}
}

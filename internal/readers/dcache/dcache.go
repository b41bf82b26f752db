// Package dcache reads dCache's gPlazma token configuration: the gplazma
// service's effective properties (dcache.conf, then the layout's global,
// domain and domain/service scopes), gplazma.conf, OIDC providers and
// audience targets, multimap files and the banfile.
package dcache

import (
	"path"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/dcacheprops"
	"github.com/ttt-wg/ttt-check/internal/readers"
)

// Files dCache reads (domain.md §5.1).
const (
	DcacheConf = "/etc/dcache/dcache.conf"
	LayoutDir  = "/etc/dcache/layouts"
)

// Read returns the dCache gPlazma service, or nothing without dCache.
func Read(h readers.Host) ([]inventory.Service, error) {
	if !h.FS.Exists(DcacheConf) && !h.FS.Exists("/etc/dcache/gplazma.conf") {
		return nil, nil
	}
	svc := inventory.Service{Name: name}
	short, _, _ := strings.Cut(h.Name, ".")
	set := dcacheprops.NewSet(map[string]string{
		"host.name": short, "host.fqdn": h.Name, "dcache.paths.etc": "/etc/dcache",
		"dcache.layout": "${host.name}", "dcache.layout.dir": "${dcache.paths.etc}/layouts",
		"gplazma.configuration.file": "${dcache.paths.etc}/gplazma.conf",
		"gplazma.multimap.file":      "${dcache.paths.etc}/multi-mapfile",
		"gplazma.banfile.path":       "${dcache.paths.etc}/ban.conf",
	})
	read := func(file string) []dcacheprops.Property {
		data, err := h.FS.ReadFile(file)
		if err != nil {
			if h.FS.Exists(file) {
				svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: file}, Reason: err.Error()})
			}
			return nil
		}
		svc.ConfigFiles = append(svc.ConfigFiles, file)
		if readers.UnrenderedTemplate(data) {
			svc.Problems = append(svc.Problems, readers.TemplateProblem(file))
		}
		return dcacheprops.Parse(file, data)
	}
	conf := read(DcacheConf)
	set.Apply(conf, "")
	layoutName, _, _ := set.Get("dcache.layout")
	layoutDir, _, _ := set.Get("dcache.layout.dir")
	layoutFile := path.Join(layoutDir, layoutName+".conf")
	if !h.FS.Exists(layoutFile) {
		if alt := path.Join(layoutDir, h.Name+".conf"); h.FS.Exists(alt) {
			layoutFile = alt
		}
	}
	layout := read(layoutFile)
	set.Apply(layout, "")
	// The domain that runs gplazma: a [domain/gplazma] scope.
	domain := ""
	scopes := map[string]bool{}
	for _, p := range layout {
		scopes[p.Scope] = true
	}
	for _, p := range layout {
		if d, s, ok := strings.Cut(p.Scope, "/"); ok && s == "gplazma" {
			domain = d
			break
		}
	}
	if domain == "" {
		for sc := range scopes {
			if d, s, ok := strings.Cut(sc, "/"); ok && s == "gplazma" {
				domain = d
			}
		}
	}
	if domain != "" {
		set.Apply(layout, domain)
		set.Apply(layout, domain+"/gplazma")
	}
	adapt(h, set, &svc)
	return []inventory.Service{svc}, nil
}

type provider struct {
	alias, url          string
	profile, prefix     string
	suppress            []string
	authzID, nonAuthzID string
	src                 inventory.Source
}

func parseProvider(alias, value string, src inventory.Source) provider {
	p := provider{alias: alias, src: src, profile: "oidc"}
	words := splitQuoted(value)
	if len(words) > 0 {
		p.url = words[0]
	}
	for _, w := range words[1:] {
		k, v, _ := strings.Cut(w, "=")
		v = strings.Trim(v, `"`)
		switch k {
		case "-profile":
			p.profile = v
		case "-prefix":
			p.prefix = v
		case "-suppress":
			p.suppress = strings.Split(v, ",")
		case "-authz-id":
			p.authzID = v
		case "-non-authz-id":
			p.nonAuthzID = v
		}
	}
	return p
}

// splitQuoted splits on blanks outside double quotes.
func splitQuoted(s string) []string {
	var out []string
	var b strings.Builder
	q := false
	for _, r := range s {
		switch {
		case r == '"':
			q = !q
			b.WriteRune(r)
		case (r == ' ' || r == '\t') && !q:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// account reads the principal a -authz-id or multimap target gives.
func account(principals string) string {
	var uid string
	for _, p := range strings.Fields(principals) {
		k, v, _ := strings.Cut(strings.Trim(p, `"`), ":")
		switch k {
		case "username":
			return v
		case "uid":
			uid = "uid:" + v
		}
	}
	return uid
}

type gplazmaLine struct {
	phase, control, plugin string
	opts                   map[string]string
	src                    inventory.Source
}

func adapt(h readers.Host, set *dcacheprops.Set, svc *inventory.Service) {
	// gplazma.conf: phases, control flags, plugins and their options.
	gfile, _, _ := set.Get("gplazma.configuration.file")
	var lines []gplazmaLine
	if data, err := h.FS.ReadFile(gfile); err == nil {
		svc.ConfigFiles = append(svc.ConfigFiles, gfile)
		for i, l := range strings.Split(string(data), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || l[0] == '#' {
				continue
			}
			f := splitQuoted(l)
			src := inventory.Source{File: gfile, Line: i + 1}
			if len(f) < 3 {
				svc.Problems = append(svc.Problems, inventory.Problem{Source: src, Reason: "gplazma.conf line needs phase, control flag and plugin"})
				continue
			}
			g := gplazmaLine{phase: f[0], control: f[1], plugin: f[2], opts: map[string]string{}, src: src}
			for _, o := range f[3:] {
				k, v, _ := strings.Cut(strings.Trim(o, `"`), "=")
				g.opts[k] = v
			}
			lines = append(lines, g)
			switch g.plugin {
			case "oidc":
				if g.phase == "auth" && !svc.TokensEnabled {
					svc.TokensEnabled, svc.TokensSource = true, src
				}
			case "scitoken":
				svc.TokensEnabled, svc.TokensSource = true, src
				svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "the deprecated scitoken plugin (dCache 7); use oidc with -profile=wlcg", Source: src})
			case "argus":
				svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "the argus plugin (X.509 only; Argus cannot see tokens)", Source: src})
			}
		}
	} else if h.FS.Exists(gfile) {
		svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: gfile}, Reason: err.Error()})
	}
	if _, p, ok := set.Get("gplazma.oidc.hostnames"); ok {
		svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "gplazma.oidc.hostnames, forbidden since dCache 7 (use gplazma.oidc.provider!ALIAS)", Source: p.Source})
	}
	for _, k := range set.Keys("dcache.log.level") {
		v, p, _ := set.Get(k)
		svc.Settings = append(svc.Settings, inventory.Setting{Key: k, Values: []string{strings.ToLower(v)}, Source: p.Source})
	}

	var targets []string
	aud, audProp, audSet := set.Get("gplazma.oidc.audience-targets")
	if audSet {
		targets = splitQuoted(strings.ReplaceAll(aud, `"`, ""))
	}
	providers := map[string]provider{}
	var order []string
	for _, k := range set.Keys("gplazma.oidc.provider!") {
		v, p, _ := set.Get(k)
		alias := strings.TrimPrefix(k, "gplazma.oidc.provider!")
		providers[alias] = parseProvider(alias, v, p.Source)
		order = append(order, alias)
	}

	// Multimap files of map-phase multimap lines (default file otherwise).
	type mapping struct {
		kind, value, target string
		src                 inventory.Source
	}
	var maps []mapping
	for _, g := range lines {
		if g.plugin != "multimap" {
			continue
		}
		file := g.opts["gplazma.multimap.file"]
		if file == "" {
			file, _, _ = set.Get("gplazma.multimap.file")
		}
		data, err := h.FS.ReadFile(file)
		if err != nil {
			svc.Problems = append(svc.Problems, inventory.Problem{Source: g.src, Reason: "cannot read multimap file " + file + ": " + err.Error()})
			continue
		}
		svc.ConfigFiles = append(svc.ConfigFiles, file)
		for i, l := range strings.Split(string(data), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || l[0] == '#' {
				continue
			}
			f := splitQuoted(l)
			k, v, _ := strings.Cut(strings.Trim(f[0], `"`), ":")
			maps = append(maps, mapping{kind: k, value: v, target: strings.Join(f[1:], " "), src: inventory.Source{File: file, Line: i + 1}})
		}
	}
	for _, m := range maps {
		if m.kind != "op" {
			continue
		}
		alias, _, _ := strings.Cut(m.value, ":")
		if _, ok := providers[alias]; !ok {
			svc.Dangling = append(svc.Dangling, inventory.Reference{Name: "OP alias " + alias, Source: m.src, Note: "no gplazma.oidc.provider!" + alias + " defines it"})
		}
	}

	suppressed := func(p provider) bool {
		for _, s := range p.suppress {
			if s == "audience" {
				return true
			}
		}
		return false
	}
	for _, alias := range order {
		p := providers[alias]
		t := inventory.Trust{
			Service: name, Name: "provider " + alias, Issuer: p.url, AnySubject: true, Source: p.src,
			AudienceChecked: len(targets) > 0 && !suppressed(p), AudienceSource: audProp.Source,
			StrategySource: p.src, PathSource: p.src, AccountSource: p.src,
		}
		if suppressed(p) || t.AudienceSource.IsZero() {
			t.AudienceSource = p.src
		}
		if t.AudienceChecked {
			t.Audiences = targets
		}
		if p.prefix != "" {
			t.BasePaths = []string{p.prefix}
		}
		if p.profile == "wlcg" || p.profile == "scitokens" {
			t.Strategies = append(t.Strategies, inventory.StrategyCapability)
		}
		t.Account = account(p.authzID)
		if p.nonAuthzID != "" {
			// Tokens without any storage scope still get these principals:
			// the same identity for every such token of the issuer.
			t.Strategies = append(t.Strategies, inventory.StrategyMapping, inventory.StrategyIssuerWide)
			if t.Account == "" {
				t.Account = account(p.nonAuthzID)
			}
		}
		for _, m := range maps {
			switch m.kind {
			case "op":
				a, _, _ := strings.Cut(m.value, ":")
				if a == alias {
					t.Strategies = append(t.Strategies, inventory.StrategyIssuerWide)
					t.StrategySource, t.Account, t.AccountSource = m.src, account(m.target), m.src
				}
			case "oidcgrp":
				root := strings.Split(strings.TrimPrefix(m.value, "/"), "/")[0]
				if strings.EqualFold(root, alias) || strings.Contains(strings.ToLower(p.url), "/"+strings.ToLower(root)+"-auth") || strings.Contains(strings.ToLower(p.url), "//"+strings.ToLower(root)+"-auth") {
					if !t.HasStrategy(inventory.StrategyGroup) {
						t.Strategies = append(t.Strategies, inventory.StrategyGroup)
						t.StrategySource = m.src
					}
				}
			}
		}
		svc.Trusts = append(svc.Trusts, t)
	}

	// Banfile: record the bans (gPlazma's account phase applies them
	// whatever their order, so they cannot be shadowed by mappings).
	for _, g := range lines {
		if g.plugin != "banfile" {
			continue
		}
		file := g.opts["gplazma.banfile.path"]
		if file == "" {
			file, _, _ = set.Get("gplazma.banfile.path")
		}
		data, err := h.FS.ReadFile(file)
		if err != nil {
			continue // "a missing file is equivalent to a file with no contents"
		}
		svc.ConfigFiles = append(svc.ConfigFiles, file)
		for i, l := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "ban "); ok {
				svc.Bans = append(svc.Bans, inventory.Ban{Identity: strings.TrimSpace(rest), Source: inventory.Source{File: file, Line: i + 1}})
			}
		}
	}
}

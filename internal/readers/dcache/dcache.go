// Package dcache reads dCache's gPlazma token configuration: the gplazma
// service's effective properties (dcache.conf, then the layout's global,
// domain and domain/service scopes), gplazma.conf, OIDC providers and
// audience targets, multimap files and the banfile.
package dcache

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
	"github.com/ttt-wg/ttt-check/internal/parse/dcacheprops"
	"github.com/ttt-wg/ttt-check/internal/readers"
)

// Files dCache reads. The packages set dcache.paths.etc to /etc/dcache and
// read dcache.conf there as the setup file
// (https://github.com/dCache/dcache/blob/master/packages/fhs/src/main/assembly/filter.properties);
// dcache.layout.dir is ${dcache.paths.etc}/layouts
// (https://github.com/dCache/dcache/blob/master/skel/share/defaults/dcache.properties).
const (
	DcacheConf = "/etc/dcache/dcache.conf"
	LayoutDir  = "/etc/dcache/layouts"
)

// Read returns the dCache gPlazma service, or nothing without dCache.
func Read(h readers.Host) ([]inventory.Service, error) {
	found, unreadable := readers.Look(h.FS, DcacheConf, "/etc/dcache/gplazma.conf")
	if !found && len(unreadable) == 0 {
		return nil, nil
	}
	svc := inventory.Service{Name: name, Problems: unreadable}
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
			// A missing file sets nothing; one that cannot be read may
			// set anything.
			if !readers.Missing(err) {
				unreadableFile(&svc, file, err)
			}
			return nil
		}
		svc.ConfigFiles = append(svc.ConfigFiles, file)
		if readers.UnrenderedTemplate(data) {
			svc.Problems = append(svc.Problems, readers.TemplateProblem(file))
		}
		props, problems := dcacheprops.Parse(file, data)
		svc.Problems = append(svc.Problems, problems...)
		return props
	}
	conf := read(DcacheConf)
	set.Apply(conf, "")
	layoutName, _, _ := set.Get("dcache.layout")
	layoutDir, _, _ := set.Get("dcache.layout.dir")
	layoutFile := path.Join(layoutDir, layoutName+".conf")
	if ok, err := h.FS.Present(layoutFile); !ok && err == nil {
		// An alternative that cannot be looked at is read, to say why.
		if alt := path.Join(layoutDir, h.Name+".conf"); !readers.Absent(h.FS, alt) {
			layoutFile = alt
		}
	}
	layout := read(layoutFile)
	var sections []dcacheprops.Property
	if data, err := h.FS.ReadFile(layoutFile); err == nil {
		sections = dcacheprops.Sections(layoutFile, data)
	}
	doors := webdavMacaroons(h.Name, conf, layout, sections)
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
	svc.Settings = append(svc.Settings, doors...)
	svc.Problems = append(svc.Problems, set.Problems()...)
	return []inventory.Service{svc}, nil
}

// unreadableFile records a file that exists but cannot be read, once: the
// paths that decide whether dCache is there were looked at already.
func unreadableFile(svc *inventory.Service, file string, err error) {
	for _, p := range svc.Problems {
		if p.Source == (inventory.Source{File: file}) {
			return
		}
	}
	svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: file}, Reason: err.Error()})
}

// macaroonDefaults are the macaroon properties of dCache's defaults that
// a WebDAV door reads: macaroons are on, and a client may ask for one
// valid up to 7 days (dcache.properties, "The maximum lifetime of a
// macaroon", https://github.com/dCache/dcache/blob/11.2.5/skel/share/defaults/dcache.properties#L1202-L1207;
// webdav.properties L80-87 takes them over).
var macaroonDefaults = map[string]string{
	"dcache.enable.macaroons":            "true",
	"dcache.macaroons.max-lifetime":      "7",
	"dcache.macaroons.max-lifetime.unit": "DAYS",
	"webdav.enable.macaroons":            "${dcache.enable.macaroons}",
	"webdav.macaroons.max-lifetime":      "${dcache.macaroons.max-lifetime}",
	"webdav.macaroons.max-lifetime.unit": "${dcache.macaroons.max-lifetime.unit}",
}

// webdavMacaroons records, for every WebDAV door of the layout
// ([domain/webdav]) with macaroons enabled, the longest macaroon it
// mints: MacaroonRequestHandler refuses a requested expiry beyond
// webdav.macaroons.max-lifetime
// (https://github.com/dCache/dcache/blob/11.2.5/modules/dcache-webdav/src/main/java/org/dcache/webdav/macaroons/MacaroonRequestHandler.java#L207-L235).
// The setting is at the line that sets the lifetime or its unit, else at
// the door's header, with the property that would set it (the default
// applies).
func webdavMacaroons(host string, conf, layout, sections []dcacheprops.Property) []inventory.Setting {
	short, _, _ := strings.Cut(host, ".")
	var out []inventory.Setting
	for _, sec := range sections {
		domain, service, ok := strings.Cut(sec.Scope, "/")
		if !ok || service != "webdav" {
			continue
		}
		set := dcacheprops.NewSet(macaroonDefaults)
		set.Apply(conf, "")
		set.Apply(layout, "")
		set.Apply(layout, domain)
		set.Apply(layout, sec.Scope)
		// ${host.name} and friends may appear in the values read here.
		set.Apply([]dcacheprops.Property{{Key: "host.name", Value: short}, {Key: "host.fqdn", Value: host}}, "")
		if on, _, _ := set.Get("webdav.enable.macaroons"); !strings.EqualFold(strings.TrimSpace(on), "true") {
			continue
		}
		value, _, _ := set.Get("webdav.macaroons.max-lifetime")
		unit, _, _ := set.Get("webdav.macaroons.max-lifetime.unit")
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		per, known := unitMillis[strings.ToUpper(strings.TrimSpace(unit))]
		if err != nil || !known {
			continue
		}
		secs := n * per / 1000
		src, explicit := sec.Source, false
		for _, k := range []string{"webdav.macaroons.max-lifetime", "dcache.macaroons.max-lifetime", "webdav.macaroons.max-lifetime.unit", "dcache.macaroons.max-lifetime.unit"} {
			if _, p, ok := set.Get(k); ok && !p.Source.IsZero() {
				src, explicit = p.Source, true
				break
			}
		}
		s := inventory.Setting{Key: "macaroon.max-lifetime-seconds", Values: []string{strconv.FormatInt(secs, 10)}, Source: src}
		if !explicit {
			s.Values = append(s.Values, "webdav.macaroons.max-lifetime")
		}
		out = append(out, s)
	}
	return out
}

// unitMillis converts the units of dCache's duration properties
// ((one-of?MILLISECONDS|SECONDS|MINUTES|HOURS|DAYS)) to milliseconds.
var unitMillis = map[string]int64{"MILLISECONDS": 1, "SECONDS": 1000, "MINUTES": 60 * 1000, "HOURS": 3600 * 1000, "DAYS": 86400 * 1000}

type provider struct {
	alias, url          string
	profile, prefix     string
	suppress            []string
	authzID, nonAuthzID string
	src                 inventory.Source
}

func parseProvider(alias, value string, src inventory.Source) provider {
	p := provider{alias: alias, src: src, profile: "oidc"}
	words := readers.Fields(value, " \t", readers.KeepQuotes)
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

// suppressesAudience reports -suppress=audience: the provider accepts
// tokens whatever audience they carry.
func (p provider) suppressesAudience() bool {
	for _, s := range p.suppress {
		if s == "audience" {
			return true
		}
	}
	return false
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

// mapEntry is one line of a multimap file: a predicate kind:value and the
// principals it adds.
type mapEntry struct {
	kind, value, target string
	src                 inventory.Source
}

// adapt turns the effective properties and the files they name into the
// inventory. The order of the steps is the order in which their entries
// appear in each list of the inventory, which the reports print as is.
func adapt(h readers.Host, set *dcacheprops.Set, svc *inventory.Service) {
	lines := readGplazmaConf(h, set, svc)
	pluginTokens(lines, svc)
	legacy(lines, set, svc)
	logLevels(set, svc)
	targets, audSrc := audienceTargets(set)
	providers, order := readProviders(set)
	issuers, issuerOrder := sciTokenIssuers(lines, set)
	maps := readMultimaps(h, set, lines, svc)
	svc.Dangling = append(svc.Dangling, danglingOPs(maps, providers, issuers)...)
	idx := newMapIndex(maps)
	for _, alias := range order {
		p := providers[alias]
		if unresolved(p.url) {
			svc.Problems = append(svc.Problems, inventory.Problem{Source: p.src, Reason: fmt.Sprintf("gplazma.oidc.provider!%s names its issuer %q, a ${…} reference to a property dCache does not define: dCache keeps the text as it is (Formats.replaceKeywords) and refuses it as a URI, so the oidc plugin does not start", alias, p.url)})
			continue
		}
		t := providerTrust(p, targets, audSrc)
		idx.strategies(&t, p)
		svc.Trusts = append(svc.Trusts, t)
	}
	sciTargets, sciAudSrc := sciTokenAudienceTargets(set)
	for _, alias := range issuerOrder {
		p := issuers[alias]
		t := sciTokenTrust(p, sciTargets, sciAudSrc)
		idx.strategies(&t, p)
		svc.Trusts = append(svc.Trusts, t)
	}
	readBans(h, set, lines, svc)
}

// readGplazmaConf reads gplazma.conf where gplazma.configuration.file puts
// it. Only a file that exists but cannot be read is a problem: without
// one there is no token configuration to judge.
func readGplazmaConf(h readers.Host, set *dcacheprops.Set, svc *inventory.Service) []gplazmaLine {
	file, _, _ := set.Get("gplazma.configuration.file")
	data, err := h.FS.ReadFile(file)
	if err != nil {
		if !readers.Missing(err) {
			unreadableFile(svc, file, err)
		}
		return nil
	}
	svc.ConfigFiles = append(svc.ConfigFiles, file)
	lines, problems := parseGplazmaConf(file, data)
	svc.Problems = append(svc.Problems, problems...)
	return lines
}

// parseGplazmaConf reads gplazma.conf's lines: phase, control flag, plugin
// and the plugin's key=value options.
func parseGplazmaConf(file string, data []byte) ([]gplazmaLine, []inventory.Problem) {
	var lines []gplazmaLine
	var problems []inventory.Problem
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		src := inventory.Source{File: file, Line: i + 1}
		if len(lines)+len(problems) >= budget.Statements {
			problems = append(problems, budget.Problem(src, "the lines of "+file, budget.Statements, "statements", "this line and the ones after it are not read"))
			break
		}
		f := readers.Fields(l, " \t", readers.KeepQuotes)
		if len(f) < 3 {
			problems = append(problems, inventory.Problem{Source: src, Reason: "gplazma.conf line needs phase, control flag and plugin"})
			continue
		}
		g := gplazmaLine{phase: f[0], control: f[1], plugin: f[2], opts: map[string]string{}, src: src}
		for _, o := range f[3:] {
			k, v, _ := strings.Cut(strings.Trim(o, `"`), "=")
			g.opts[k] = v
		}
		lines = append(lines, g)
	}
	return lines, problems
}

// pluginTokens says whether gPlazma accepts tokens at all: an oidc plugin
// in the auth phase, or the deprecated scitoken plugin anywhere. The first
// such oidc line is the source unless there is a scitoken line: then the
// last of those is.
func pluginTokens(lines []gplazmaLine, svc *inventory.Service) {
	for _, g := range lines {
		switch g.plugin {
		case "oidc":
			if g.phase == "auth" && !svc.TokensEnabled {
				svc.TokensEnabled, svc.TokensSource = true, g.src
			}
		case "scitoken":
			svc.TokensEnabled, svc.TokensSource = true, g.src
		}
	}
}

// legacy records plugins and properties from before tokens or from before
// dCache 7: they still load, but do not do what a token setup expects.
func legacy(lines []gplazmaLine, set *dcacheprops.Set, svc *inventory.Service) {
	for _, g := range lines {
		switch g.plugin {
		case "scitoken":
			svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "the scitoken plugin, which maps every token of an issuer to the same user (gplazma.properties: \"all users that present a SciToken from the same issuer are mapped to the same user\"); the oidc plugin with -profile=wlcg authorizes by the token's scopes", Source: g.src})
		case "argus":
			svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "the argus plugin (X.509 only; Argus cannot see tokens), removed in dCache 10.2: with it in gplazma.conf every login fails there", Source: g.src})
		}
	}
	if _, p, ok := set.Get("gplazma.oidc.hostnames"); ok {
		svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "gplazma.oidc.hostnames, deprecated up to 8.1 and forbidden from dCache 8.2.0 (gplazma.properties marks it (forbidden)): dCache 8.2 and later refuse the configuration; use gplazma.oidc.provider!ALIAS", Source: p.Source})
	}
}

// logLevels records the dcache.log.level.* properties: at debug the oidc
// plugin logs the bearer tokens it sees.
func logLevels(set *dcacheprops.Set, svc *inventory.Service) {
	for _, k := range set.Keys("dcache.log.level") {
		v, p, _ := set.Get(k)
		svc.Settings = append(svc.Settings, inventory.Setting{Key: k, Values: []string{strings.ToLower(v)}, Source: p.Source})
	}
}

// audienceTargets returns gplazma.oidc.audience-targets, the audiences the
// oidc plugin requires of every provider that does not suppress the check,
// and where it is set (no source when it is not).
func audienceTargets(set *dcacheprops.Set) ([]string, inventory.Source) {
	aud, p, ok := set.Get("gplazma.oidc.audience-targets")
	var targets []string
	if ok {
		targets = readers.Fields(strings.ReplaceAll(aud, `"`, ""), " \t", readers.KeepQuotes)
	}
	return targets, p.Source
}

// readProviders returns the gplazma.oidc.provider!ALIAS properties by
// alias, and the aliases in the order of the keys.
func readProviders(set *dcacheprops.Set) (map[string]provider, []string) {
	providers := map[string]provider{}
	var order []string
	for _, k := range set.Keys("gplazma.oidc.provider!") {
		v, p, _ := set.Get(k)
		alias := strings.TrimPrefix(k, "gplazma.oidc.provider!")
		providers[alias] = parseProvider(alias, v, p.Source)
		order = append(order, alias)
	}
	return providers, order
}

// providerTrust is what one OIDC provider admits before any mapping: every
// subject of its issuer, with the audience check, path prefix, profile and
// -authz-id/-non-authz-id principals it is configured with.
func providerTrust(p provider, targets []string, audSrc inventory.Source) inventory.Trust {
	t := inventory.Trust{
		Service: name, Name: "provider " + p.alias, Issuer: p.url, AnySubject: true, Source: p.src,
		AudienceChecked: len(targets) > 0 && !p.suppressesAudience(), AudienceSource: audSrc,
		// Without targets a token whose aud names anything is refused
		// ("intended for …"); one without aud passes either way
		// (OidcAuthPlugin.checkAudience,
		// https://github.com/dCache/dcache/blob/11.2.5/modules/gplazma2-oidc/src/main/java/org/dcache/gplazma/oidc/OidcAuthPlugin.java#L233-L267).
		AudienceIfPresent: len(targets) == 0 && !p.suppressesAudience(),
		StrategySource:    p.src, PathSource: p.src, AccountSource: p.src,
	}
	if p.suppressesAudience() || t.AudienceSource.IsZero() {
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
		// the same identity for every such token of the issuer; tokens
		// with storage scopes stay confined to them
		// (ScopeBasedAuthzProfile).
		t.Strategies = append(t.Strategies, inventory.StrategyMapping, inventory.StrategyIssuerWide)
		t.ScopeLimit = inventory.ScopesConfine
		// The account that matters is the one every scope-less token
		// gets, with the namespace permissions of its uid: the
		// -non-authz-id one (scoped tokens, which get the -authz-id
		// one, are exempt from namespace checks and held to their
		// scopes).
		if non := account(p.nonAuthzID); non != "" {
			t.Account = non
		}
	}
	return t
}

// readMultimaps reads the multimap file of every multimap line of
// gplazma.conf (its gplazma.multimap.file option, else the property).
func readMultimaps(h readers.Host, set *dcacheprops.Set, lines []gplazmaLine, svc *inventory.Service) []mapEntry {
	var maps []mapEntry
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
		entries, problems := parseMultimap(file, data)
		maps = append(maps, entries...)
		svc.Problems = append(svc.Problems, problems...)
	}
	return maps
}

// parseMultimap reads a multimap file: a predicate kind:value (quoted or
// not), then the principals it adds. A line dCache cannot read is a
// problem and left out, as GplazmaMultiMapFile.parseMapFile skips it with
// a warning: a line without principals, a predicate or principal without
// ':' or of a type dCache does not know, a uid or gid that is not a
// number, an oidc principal without '@'
// (https://github.com/dCache/dcache/blob/11.2.5/modules/gplazma2-multimap/src/main/java/org/dcache/gplazma/plugins/GplazmaMultiMapFile.java).
// The problem shows the start of the line only: a broken line may hold a
// secret.
func parseMultimap(file string, data []byte) ([]mapEntry, []inventory.Problem) {
	var maps []mapEntry
	var problems []inventory.Problem
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		src := inventory.Source{File: file, Line: i + 1}
		if len(maps)+len(problems) >= budget.Statements {
			problems = append(problems, budget.Problem(src, "the lines of "+file, budget.Statements, "statements", "this line and the ones after it are not read"))
			break
		}
		f := arguments(readers.Fields(l, " \t", readers.KeepQuotes))
		if why := multimapFault(f); why != "" {
			problems = append(problems, inventory.Problem{Source: src,
				Reason: fmt.Sprintf("multimap line %q cannot be read: %s; gPlazma skips it with a warning, so whatever it was meant to map is not mapped", budget.Excerpt(l, 40), why)})
			continue
		}
		k, v, _ := strings.Cut(strings.Trim(f[0], `"`), ":")
		maps = append(maps, mapEntry{kind: k, value: v, target: strings.Join(f[1:], " "), src: src})
	}
	return maps, problems
}

// principalTypes are the labels of GplazmaMultiMapFile.MappablePrincipal.
var principalTypes = map[string]bool{"dn": true, "email": true, "gid": true, "group": true, "fqan": true, "kerberos": true, "oidc": true,
	"oidcgrp": true, "uid": true, "username": true, "entitlement": true, "op": true, "roles": true}

// multimapFault says why dCache refuses a multimap line split into words,
// or "".
func multimapFault(words []string) string {
	if len(words) < 2 {
		return "no mapped principals"
	}
	for i, w := range words {
		what := "principal"
		if i == 0 {
			what = "predicate"
		}
		k, v, ok := strings.Cut(strings.Trim(w, `"`), ":")
		switch {
		case !ok:
			return fmt.Sprintf("the %s has no ':'", what)
		case !principalTypes[k]:
			return fmt.Sprintf("the %s type is not one dCache knows", what)
		case k == "uid" && !numeric(v), k == "gid" && !numeric(strings.SplitN(v, ",", 2)[0]):
			return fmt.Sprintf("the %s's %s is not a number", what, k)
		case k == "oidc" && i > 0 && !strings.Contains(v, "@"):
			return "the oidc principal has no '@'"
		}
	}
	return ""
}

// arguments drops the options dCache's Args takes out of a line (-name,
// -name=value, anywhere up to a "--"; a lone "-" is an argument).
func arguments(words []string) []string {
	out := words[:0:0]
	options := true
	for _, w := range words {
		switch {
		case options && w == "--":
			options = false
		case options && len(w) > 1 && w[0] == '-':
		default:
			out = append(out, w)
		}
	}
	return out
}

func numeric(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// danglingOPs are op:ALIAS predicates naming no provider and no issuer of
// the scitoken plugin (which gives its tokens the principal op:NAME of
// gplazma.scitoken.issuer!NAME, Issuer.java): they match no token, so
// whatever they were meant to map is not mapped.
func danglingOPs(maps []mapEntry, providers, issuers map[string]provider) []inventory.Reference {
	var refs []inventory.Reference
	for _, m := range maps {
		if m.kind != "op" {
			continue
		}
		alias, _, _ := strings.Cut(m.value, ":")
		_, provider := providers[alias]
		_, issuer := issuers[alias]
		if !provider && !issuer {
			note := "no gplazma.oidc.provider!" + alias + " defines it"
			if len(issuers) > 0 {
				note = "no gplazma.oidc.provider!" + alias + " or gplazma.scitoken.issuer!" + alias + " defines it"
			}
			refs = append(refs, inventory.Reference{Name: "OP alias " + alias, Source: m.src, Note: note})
		}
	}
	return refs
}

// unresolved reports a value that still holds a ${…} reference: dCache
// replaces only references to properties it defines and keeps the others
// as text (Formats.replaceKeywords,
// https://github.com/dCache/dcache/blob/11.2.5/modules/cells/src/main/java/dmg/util/Formats.java#L125-L131).
func unresolved(v string) bool { return strings.Contains(v, "${") }

// sciTokenIssuers returns the issuers of the scitoken plugin, by name, when
// gplazma.conf runs it: gplazma.scitoken.issuer!NAME = URL PREFIX
// [principals] (SciTokenPlugin.buildIssuer,
// https://github.com/dCache/dcache/blob/11.2.5/modules/gplazma2-scitoken/src/main/java/org/dcache/gplazma/scitoken/SciTokenPlugin.java#L96-L112).
// The principals are kept as authzID: the plugin adds them only to tokens
// with scopes.
func sciTokenIssuers(lines []gplazmaLine, set *dcacheprops.Set) (map[string]provider, []string) {
	runs := false
	for _, g := range lines {
		runs = runs || g.plugin == "scitoken"
	}
	if !runs {
		return nil, nil
	}
	issuers := map[string]provider{}
	var order []string
	for _, k := range set.Keys("gplazma.scitoken.issuer!") {
		v, p, _ := set.Get(k)
		alias := strings.TrimPrefix(k, "gplazma.scitoken.issuer!")
		words := readers.Fields(v, " \t", readers.KeepQuotes)
		is := provider{alias: alias, src: p.Source, profile: "scitoken"}
		var principals []string
		for i, w := range words {
			switch {
			case i == 0:
				is.url = w
			case i == 1:
				is.prefix = w
			case !strings.HasPrefix(w, "-"):
				principals = append(principals, w)
			}
		}
		is.authzID = strings.Join(principals, " ")
		issuers[alias] = is
		order = append(order, alias)
	}
	return issuers, order
}

// sciTokenAudienceTargets returns gplazma.scitoken.audience-targets and
// where it is set.
func sciTokenAudienceTargets(set *dcacheprops.Set) ([]string, inventory.Source) {
	aud, p, ok := set.Get("gplazma.scitoken.audience-targets")
	if !ok {
		return nil, inventory.Source{}
	}
	return strings.Fields(aud), p.Source
}

// sciTokenTrust is what one issuer of the scitoken plugin admits: every
// subject of its issuer; a token with scopes is held to them under the
// issuer's prefix and gets the issuer's principals, one without scopes
// (WLCG profile only) gets op:NAME, its sub and its groups, which a
// multimap may turn into an account (SciTokenPlugin.authenticate,
// https://github.com/dCache/dcache/blob/11.2.5/modules/gplazma2-scitoken/src/main/java/org/dcache/gplazma/scitoken/SciTokenPlugin.java#L128-L180).
// A token without aud passes whatever the targets; one with aud must
// name a target (checkValid, L231-233).
func sciTokenTrust(p provider, targets []string, audSrc inventory.Source) inventory.Trust {
	t := inventory.Trust{
		Service: name, Name: "scitoken issuer " + p.alias, Issuer: p.url, AnySubject: true, Source: p.src,
		AudienceChecked: len(targets) > 0, AudienceIfPresent: len(targets) == 0, AudienceSource: audSrc,
		StrategySource: p.src, PathSource: p.src, AccountSource: p.src,
		Strategies: []inventory.Strategy{inventory.StrategyCapability},
		Account:    account(p.authzID),
	}
	if t.AudienceSource.IsZero() {
		t.AudienceSource = p.src
	}
	if t.AudienceChecked {
		t.Audiences = targets
	}
	if p.prefix != "" {
		t.BasePaths = []string{p.prefix}
	}
	return t
}

// mapStrategies is mapIndex.strategies over maps indexed for one provider.
func mapStrategies(t *inventory.Trust, p provider, maps []mapEntry) {
	newMapIndex(maps).strategies(t, p)
}

// mapIndex finds the multimap lines that concern a provider without
// reading every line for every provider: op: lines by alias, oidcgrp:
// lines by the root of their group, each root with its first line (only
// the first matching one counts).
type mapIndex struct {
	maps    []mapEntry
	ops     map[string][]int // alias → op: lines, in order
	byFold  map[string]int   // root, case folded → first oidcgrp: line
	byLower map[string]int   // root, lower case → first oidcgrp: line
}

func newMapIndex(maps []mapEntry) *mapIndex {
	x := &mapIndex{maps: maps, ops: map[string][]int{}, byFold: map[string]int{}, byLower: map[string]int{}}
	for i, m := range maps {
		switch m.kind {
		case "op":
			a, _, _ := strings.Cut(m.value, ":")
			x.ops[a] = append(x.ops[a], i)
		case "oidcgrp":
			root := strings.Split(strings.TrimPrefix(m.value, "/"), "/")[0]
			if _, ok := x.byFold[foldKey(root)]; !ok {
				x.byFold[foldKey(root)] = i
			}
			if _, ok := x.byLower[strings.ToLower(root)]; !ok {
				x.byLower[strings.ToLower(root)] = i
			}
		}
	}
	return x
}

// firstGroup is the first oidcgrp: line whose group root is the
// provider's alias (in any case) or the host part before "-auth" in its
// URL (https://atlas-auth.cern.ch/ for /atlas), or -1.
func (x *mapIndex) firstGroup(p provider) int {
	first := -1
	better := func(i int, ok bool) {
		if ok && (first < 0 || i < first) {
			first = i
		}
	}
	i, ok := x.byFold[foldKey(p.alias)]
	better(i, ok)
	// The URL names a root R where it holds "/R-auth": R is what lies
	// between a "-auth" and the last '/' before it.
	url := strings.ToLower(p.url)
	for j := strings.Index(url, "-auth"); j >= 0; {
		if k := strings.LastIndexByte(url[:j], '/'); k >= 0 {
			i, ok := x.byLower[url[k+1:j]]
			better(i, ok)
		}
		next := strings.Index(url[j+1:], "-auth")
		if next < 0 {
			break
		}
		j += 1 + next
	}
	return first
}

// foldKey maps s to one spelling per class of strings strings.EqualFold
// holds equal: each rune becomes the least rune of its case-folding orbit.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// strategies adds what the multimap lines do to the provider's tokens:
// op:ALIAS maps every token of the provider to one account (the last such
// line wins), oidcgrp: maps by group, guessed from the group's root
// matching the alias or the issuer's host (atlas → atlas-auth). The lines
// that concern the provider are applied in file order.
func (x *mapIndex) strategies(t *inventory.Trust, p provider) {
	before := t.StrategySource
	lines := append([]int{}, x.ops[p.alias]...)
	if g := x.firstGroup(p); g >= 0 {
		lines = append(lines, g)
		sort.Ints(lines)
	}
	for _, i := range lines {
		m := x.maps[i]
		switch m.kind {
		case "op":
			t.Strategies = append(t.Strategies, inventory.StrategyIssuerWide)
			t.StrategySource, t.Account, t.AccountSource = m.src, account(m.target), m.src
			if t.HasStrategy(inventory.StrategyCapability) {
				t.ScopeLimit = inventory.ScopesConfine
			}
		case "oidcgrp":
			if !t.HasStrategy(inventory.StrategyGroup) {
				t.Strategies = append(t.Strategies, inventory.StrategyGroup)
				t.StrategySource = m.src
			}
		}
	}
	// oidcgrp: adds a non-primary gid: alone it leaves a token without
	// storage scopes with no uid, and gPlazma refuses the login
	// (DoorValidationStrategy.validatePrincipals, dCache 11.2.5). Groups
	// authorize only an identity something else gives every token.
	if t.HasStrategy(inventory.StrategyGroup) && !t.HasStrategy(inventory.StrategyIssuerWide) {
		kept := t.Strategies[:0]
		for _, s := range t.Strategies {
			if s != inventory.StrategyGroup {
				kept = append(kept, s)
			}
		}
		t.Strategies = kept
		t.StrategySource = before
	}
}

// readBans records the bans of the banfile of every banfile line of
// gplazma.conf. gPlazma's account phase applies them whatever their order,
// so they cannot be shadowed by mappings.
func readBans(h readers.Host, set *dcacheprops.Set, lines []gplazmaLine, svc *inventory.Service) {
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
			// "The plugin assumes that a missing file is equivalent to a
			// file with no contents"
			// (https://github.com/dCache/dcache/blob/master/docs/TheBook/src/main/markdown/config-gplazma.md);
			// one that cannot be read may ban anyone.
			if !readers.Missing(err) {
				svc.Problems = append(svc.Problems, inventory.Problem{Source: g.src, Reason: "cannot read banfile " + file + ": " + err.Error()})
			}
			continue
		}
		svc.ConfigFiles = append(svc.ConfigFiles, file)
		bans, problem := parseBanfile(file, data)
		svc.Bans = append(svc.Bans, bans...)
		if problem != nil {
			svc.Problems = append(svc.Problems, *problem)
		}
	}
}

// parseBanfile reads the `ban PRINCIPAL` lines of a banfile, up to
// budget.Statements of them (problem says where it stopped).
func parseBanfile(file string, data []byte) (bans []inventory.Ban, problem *inventory.Problem) {
	for i, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "ban "); ok {
			src := inventory.Source{File: file, Line: i + 1}
			if len(bans) >= budget.Statements {
				p := budget.Problem(src, "the bans of "+file, budget.Statements, "statements", "this ban and the ones after it are not read")
				return bans, &p
			}
			bans = append(bans, inventory.Ban{Identity: strings.TrimSpace(rest), Source: src})
		}
	}
	return bans, nil
}

// Package storm reads StoRM WebDAV: /etc/storm/webdav/config/application.yml
// (trusted issuers, fine-grained policies, the built-in authorization
// server) with Spring `${NAME:default}` placeholders resolved from the
// service environment, and the storage areas in /etc/storm/webdav/sa.d.
package storm

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"
	"go.yaml.in/yaml/v3"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
	"github.com/ttt-wg/ttt-check/internal/parse/javaprops"
	"github.com/ttt-wg/ttt-check/internal/readers"
)

// Paths StoRM WebDAV reads: application.yml, sa.d and the systemd drop-in
// (https://github.com/italiangrid/storm-webdav/blob/master/doc/storm-webdav-guide.md,
// "Service configuration defaults"); /etc/sysconfig/storm-webdav is the
// environment file the guide named until May 2021
// (https://github.com/italiangrid/storm-webdav/blob/4f8591bb7f356cb372d4052f704afc9cec6702db/doc/storm-webdav-guide.md).
const (
	ApplicationYML = "/etc/storm/webdav/config/application.yml"
	SADir          = "/etc/storm/webdav/sa.d"
	SystemdDropIns = "/etc/systemd/system/storm-webdav.service.d"
	Sysconfig      = "/etc/sysconfig/storm-webdav"
)

// saKeys are the storage-area keys StoRM reads
// (https://github.com/italiangrid/storm-webdav/blob/master/src/main/java/org/italiangrid/storm/webdav/config/OwnerStorageAreaInfo.java);
// StoRM ignores any other key silently. The code reads
// voMapGrantsWritePermission although the doc table says
// voMapGrantsWriteAccess: the code wins.
var saKeys = []string{"name", "rootPath", "accessPoints", "filesystemType", "vos", "orgs", "authenticatedReadEnabled",
	"anonymousReadEnabled", "voMapEnabled", "voMapGrantsWritePermission", "orgsGrantReadPermission",
	"orgsGrantWritePermission", "wlcgScopeAuthzEnabled", "fineGrainedAuthzEnabled", "tapeEnabled"}

// DefaultMaxTokenLifetime is the authorization server's default (12 h).
const DefaultMaxTokenLifetime = 43200

// Read returns the StoRM WebDAV service, or nothing when it is absent.
func Read(h readers.Host) ([]inventory.Service, error) {
	found, unreadable := readers.Look(h.FS, ApplicationYML, SADir)
	if !found && len(unreadable) == 0 {
		return nil, nil
	}
	svc := inventory.Service{Name: name, Problems: unreadable}
	env := &resolver{env: environment(h, &svc), svc: &svc, over: map[inventory.Source]bool{}}
	issuers, policies := readApplication(h, env, &svc)
	fineGrained := readAreas(h, issuers, &svc)
	judgePolicies(policies, fineGrained, &svc)
	return []inventory.Service{svc}, nil
}

// area is what decides whether a storage area evaluates policies.
type area struct {
	fineGrained bool
	src         inventory.Source // fineGrainedAuthzEnabled, or the file
}

// judgePolicies records what storm.authz.policies do: bans (deny policies
// naming identities) and policies that open an area to anyone. Only a
// storage area with fineGrainedAuthzEnabled=true evaluates policies
// (FineGrainedAuthzManager.authorize in storm-webdav v1.8.1 abstains
// otherwise), so elsewhere a deny bans nobody and a permit opens nothing.
func judgePolicies(policies []policy, areas map[string]area, svc *inventory.Service) {
	for _, b := range policyBans(policies) {
		svc.Bans = append(svc.Bans, b.Ban)
		if a, ok := areas[b.sa]; ok && !a.fineGrained {
			last := &svc.Bans[len(svc.Bans)-1]
			last.Inert = fmt.Sprintf("storage area %s does not evaluate policies: fineGrainedAuthzEnabled is not true (%s)", b.sa, a.src)
		}
	}
	for _, p := range policies {
		if p.effect != "permit" || !writes(p.actions) {
			continue
		}
		if a, ok := areas[p.sa]; ok && !a.fineGrained {
			continue
		}
		for _, pr := range p.principals {
			if pr.kind == "anyone" || pr.kind == "any-authenticated-user" || pr.kind == "anonymous" {
				svc.Settings = append(svc.Settings, inventory.Setting{Key: "open-access", Values: []string{fmt.Sprintf("policy %q permits %s to %s", p.description, strings.Join(p.actions, "/"), pr.kind)}, Source: p.src})
				break
			}
		}
	}
}

// Unit is the systemd unit that runs StoRM WebDAV.
const Unit = "storm-webdav.service"

// environment is the environment StoRM WebDAV's JVM starts with, which
// resolves the ${STORM_WEBDAV_*} placeholders of application.yml. With
// the unit on the host it is what systemd builds from the unit and its
// drop-ins (Environment=, EnvironmentFile=), and an environment file the
// unit does not load is ignored, as systemd ignores it: the unit shipped
// since 1.4 (May 2021) sets everything in a drop-in and loads no
// /etc/sysconfig/storm-webdav. Without the unit (a copy of /etc alone)
// the drop-ins and the older sysconfig file are read as they were meant.
func environment(h readers.Host, svc *inventory.Service) map[string]string {
	env := map[string]string{}
	if h.Unit != nil {
		if u := h.Unit(Unit); u.State != inventory.UnitNotFound && u.State != "" {
			svc.ConfigFiles = append(svc.ConfigFiles, u.DropIns...)
			for _, f := range u.EnvFiles {
				svc.ConfigFiles = append(svc.ConfigFiles, f.Loaded...)
			}
			for _, v := range u.Env {
				env[v.Name] = v.Value
			}
			if h.FS.Exists(Sysconfig) && !u.LoadsEnvFile(Sysconfig) {
				svc.Problems = append(svc.Problems, inventory.Problem{
					Source:          inventory.Source{File: Sysconfig},
					Reason:          fmt.Sprintf("%s is not read: %s (%s) loads no EnvironmentFile= naming it, so its values never reach StoRM WebDAV; the environment comes from the unit and its drop-ins", Sysconfig, Unit, u.File),
					TrustUnaffected: true,
				})
			}
			return env
		}
	}
	if data, err := h.FS.ReadFile(Sysconfig); err == nil {
		svc.ConfigFiles = append(svc.ConfigFiles, Sysconfig)
		for _, l := range strings.Split(string(data), "\n") {
			l = strings.TrimSpace(l)
			if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
				env[strings.TrimSpace(strings.TrimPrefix(k, "export "))] = strings.Trim(strings.TrimSpace(v), `"'`)
			}
		}
	}
	dropins, err := h.FS.Glob(SystemdDropIns, "*.conf")
	if err != nil {
		svc.Problems = append(svc.Problems, readers.Unreadable(SystemdDropIns, err))
	}
	for _, f := range dropins {
		data, err := h.FS.ReadFile(f)
		if err != nil {
			continue
		}
		svc.ConfigFiles = append(svc.ConfigFiles, f)
		for _, l := range strings.Split(string(data), "\n") {
			rest, ok := strings.CutPrefix(strings.TrimSpace(l), "Environment=")
			if !ok {
				continue
			}
			// Quotes only group here. Words end at spaces alone, as this
			// reader has always split them, although systemd also ends
			// them at tabs and honours single quotes and C escapes
			// (config_parse_environ in
			// https://github.com/systemd/systemd/blob/main/src/core/load-fragment.c
			// calls extract_first_word with EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE).
			for _, kv := range readers.Fields(rest, " ", readers.DropQuotes) {
				if k, v, ok := strings.Cut(kv, "="); ok {
					env[k] = v
				}
			}
		}
	}
	return env
}

var placeholder = regexp.MustCompile(`\$\{([^:}]+)(?::([^}]*))?\}`)

// resolver resolves Spring placeholders from the service's environment,
// within the expansion budgets (budget.Value per value, budget.Expansion
// for the whole application.yml): an environment value that names itself
// several times would otherwise grow a hundredfold with every pass.
type resolver struct {
	env      map[string]string
	expanded budget.Counter
	svc      *inventory.Service
	over     map[inventory.Source]bool
}

// resolve replaces Spring placeholders: the environment, else the default.
// src is where the value is, for the problem of a value over budget.
func (r *resolver) resolve(s string, src inventory.Source) string {
	for i := 0; i < 5 && strings.Contains(s, "${"); i++ {
		b := budget.NewBuilder(&r.expanded)
		rest := s
		for rest != "" {
			m := placeholder.FindStringSubmatchIndex(rest)
			if m == nil {
				b.WriteString(rest)
				break
			}
			repl := ""
			if m[4] >= 0 {
				repl = rest[m[4]:m[5]]
			}
			if v, ok := r.env[rest[m[2]:m[3]]]; ok {
				repl = v
			}
			if !b.WriteString(rest[:m[0]]) || !b.WriteString(repl) {
				break
			}
			rest = rest[m[1]:]
		}
		s = b.String()
		if b.Over {
			if !r.over[src] {
				r.over[src] = true
				r.svc.Problems = append(r.svc.Problems, inventory.Problem{Source: src, Reason: b.Reason("the placeholders of this value", "the value is cut there, and what it decides is not judged")})
			}
			return s
		}
	}
	return s
}

type issuer struct {
	name, url      string
	enforce        bool
	audiences      []string
	src, enforceAt inventory.Source
}

func readApplication(h readers.Host, env *resolver, svc *inventory.Service) (map[string]issuer, []policy) {
	issuers := map[string]issuer{}
	var policies []policy
	data, err := h.FS.ReadFile(ApplicationYML)
	if err != nil {
		if !readers.Missing(err) && !reported(svc, ApplicationYML) {
			svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: ApplicationYML}, Reason: err.Error()})
		}
		return issuers, policies
	}
	svc.ConfigFiles = append(svc.ConfigFiles, ApplicationYML)
	if readers.UnrenderedTemplate(data) {
		svc.Problems = append(svc.Problems, readers.TemplateProblem(ApplicationYML))
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: ApplicationYML}, Reason: "YAML: " + err.Error()})
		return issuers, policies
	}
	if len(root.Content) == 0 {
		return issuers, policies
	}
	doc := root.Content[0]
	at := func(n *yaml.Node) inventory.Source { return inventory.Source{File: ApplicationYML, Line: n.Line} }
	if list := lookup(doc, "oauth", "issuers"); list != nil && list.Kind == yaml.SequenceNode {
		for _, item := range list.Content {
			is := issuer{src: at(item)}
			if n := lookup(item, "name"); n != nil {
				is.name = env.resolve(n.Value, at(n))
			}
			if n := lookup(item, "issuer"); n != nil {
				is.url, is.src = env.resolve(n.Value, at(n)), at(n)
			}
			if n := lookup(item, "enforce-audience-checks"); n != nil {
				is.enforce, is.enforceAt = strings.EqualFold(env.resolve(n.Value, at(n)), "true"), at(n)
			}
			if n := lookup(item, "audiences"); n != nil {
				for _, a := range n.Content {
					is.audiences = append(is.audiences, env.resolve(a.Value, at(a)))
				}
			}
			if is.url != "" {
				issuers[is.url] = is
			}
		}
	}
	// The built-in authorization server issues tokens of its own.
	if n := lookup(doc, "storm", "authz-server", "enabled"); n != nil && strings.EqualFold(env.resolve(n.Value, at(n)), "true") {
		life, src := DefaultMaxTokenLifetime, at(n)
		if m := lookup(doc, "storm", "authz-server", "max-token-lifetime-sec"); m != nil {
			if v, err := strconv.Atoi(env.resolve(m.Value, at(m))); err == nil {
				life, src = v, at(m)
			}
		}
		svc.Settings = append(svc.Settings, inventory.Setting{Key: "token.max-lifetime-seconds", Values: []string{strconv.Itoa(life)}, Source: src})
	}
	if list := lookup(doc, "storm", "authz", "policies"); list != nil {
		policies = readPolicies(list, env, at)
	}
	return issuers, policies
}

func writes(actions []string) bool {
	for _, a := range actions {
		switch a {
		case "all", "write", "delete":
			return true
		}
	}
	return false
}

// lookup follows mapping keys from n.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

func readAreas(h readers.Host, issuers map[string]issuer, svc *inventory.Service) map[string]area {
	areas := map[string]area{}
	files, err := h.FS.Glob(SADir, "*.properties")
	if err != nil && !reported(svc, SADir) {
		svc.Problems = append(svc.Problems, readers.Unreadable(SADir, err))
	}
	sort.Strings(files)
	for i, f := range files {
		if i == budget.Visits {
			svc.Problems = append(svc.Problems, budget.Problem(inventory.Source{File: f}, "the storage areas in "+SADir, budget.Visits, "files", f+" and the files after it are not read"))
			break
		}
		data, err := h.FS.ReadFile(f)
		if err != nil {
			svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: f}, Reason: err.Error()})
			continue
		}
		svc.ConfigFiles = append(svc.ConfigFiles, f)
		if readers.UnrenderedTemplate(data) {
			svc.Problems = append(svc.Problems, readers.TemplateProblem(f))
		}
		entries, problems := javaprops.Parse(f, data)
		svc.Problems = append(svc.Problems, problems...)
		props := map[string]javaprops.Entry{}
		for _, e := range entries {
			props[e.Key] = e
			if !contains(saKeys, e.Key) {
				svc.UnknownKeys = append(svc.UnknownKeys, inventory.UnknownKey{Key: e.Key, Source: e.Source, Nearest: nearest(e.Key)})
			}
		}
		name := props["name"].Value
		if name == "" {
			name = strings.TrimSuffix(path.Base(f), ".properties")
		}
		boolean := func(key string, dflt bool) (bool, inventory.Source) {
			if e, ok := props[key]; ok {
				return strings.EqualFold(strings.TrimSpace(e.Value), "true"), e.Source
			}
			return dflt, inventory.Source{File: f}
		}
		fg, fgSrc := boolean("fineGrainedAuthzEnabled", false)
		areas[name] = area{fineGrained: fg, src: fgSrc}
		if anon, src := boolean("anonymousReadEnabled", false); anon {
			svc.Settings = append(svc.Settings, inventory.Setting{Key: "open-access", Values: []string{"storage area " + name + " allows anonymous read (anonymousReadEnabled=true)"}, Source: src})
		}
		orgs, ok := props["orgs"]
		if !ok || strings.TrimSpace(orgs.Value) == "" {
			continue
		}
		svc.TokensEnabled, svc.TokensSource = true, orgs.Source
		scope, scopeSrc := boolean("wlcgScopeAuthzEnabled", false)
		// orgsGrantReadPermission defaults to true; orgsGrantWritePermission
		// too in the code (OwnerStorageAreaInfo @DefaultValue("true"))
		// although the docs say false: the code wins.
		read, readSrc := boolean("orgsGrantReadPermission", true)
		write, writeSrc := boolean("orgsGrantWritePermission", true)
		// What the area grants every token of its orgs, and where that is
		// set (the file, line 0, when the default applies): a fix sets
		// the key where it is, or adds it.
		for _, g := range []struct {
			key string
			on  bool
			src inventory.Source
		}{{"orgsGrantReadPermission", read, readSrc}, {"orgsGrantWritePermission", write, writeSrc}, {"wlcgScopeAuthzEnabled", scope, scopeSrc}} {
			svc.Settings = append(svc.Settings, inventory.Setting{Key: "sa." + name + "." + g.key, Values: []string{strconv.FormatBool(g.on)}, Source: g.src})
		}
		// An absent grant is the code's default: it is the orgs line that
		// hands the area to the issuers.
		if readSrc.Line == 0 {
			readSrc = orgs.Source
		}
		if writeSrc.Line == 0 {
			writeSrc = orgs.Source
		}
		for _, org := range strings.Split(orgs.Value, ",") {
			org = strings.TrimSpace(org)
			if org == "" {
				continue
			}
			is, known := issuers[org]
			if !known {
				svc.Dangling = append(svc.Dangling, inventory.Reference{Name: "issuer " + org, Source: orgs.Source, Note: "orgs of storage area " + name + " lists it, but application.yml oauth.issuers does not, so its tokens are not accepted"})
				continue
			}
			t := inventory.Trust{
				Service: name, Name: "sa:" + name, Issuer: org, AnySubject: true, Source: orgs.Source,
				AudienceChecked: is.enforce, AudienceSource: is.enforceAt, StrategySource: scopeSrc,
			}
			if t.AudienceSource.IsZero() {
				t.AudienceSource = is.src
			}
			if is.enforce {
				t.Audiences = is.audiences
			}
			if ap, ok := props["accessPoints"]; ok {
				for _, p := range strings.Split(ap.Value, ",") {
					t.BasePaths = append(t.BasePaths, strings.TrimSpace(p))
				}
				t.PathSource = ap.Source
			}
			if scope {
				t.Strategies = append(t.Strategies, inventory.StrategyCapability)
			}
			// SecurityConfig.addAccessRules (storm-webdav v1.8.1): reads
			// need the area's read authority, writes read and write; a
			// write grant without the read grant opens nothing.
			if read {
				t.Strategies = append(t.Strategies, inventory.StrategyIssuerWide)
				t.StrategySource, t.WideGrant = readSrc, "read access to storage area "+name
				if write {
					t.StrategySource, t.WideGrant = writeSrc, "read and write access to storage area "+name
				}
			}
			svc.Trusts = append(svc.Trusts, t)
		}
	}
	return areas
}

// reported says whether the file already has a problem of its own (one
// of the paths looked at first).
func reported(svc *inventory.Service, file string) bool {
	for _, p := range svc.Problems {
		if p.Source == (inventory.Source{File: file}) {
			return true
		}
	}
	return false
}

func nearest(key string) string {
	best, bestD := "", 4
	for _, k := range saKeys {
		if d := levenshtein.Distance(strings.ToLower(key), strings.ToLower(k), nil); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

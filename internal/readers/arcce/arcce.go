// Package arcce reads an ARC CE's /etc/arc.conf: authgroups with their
// token rules in order, [mapping], access control on the job interface and
// queues, token scopes and the A-REX log level, for ARC 6 and ARC 7.
package arcce

import (
	"regexp"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/arcconf"
	"github.com/ttt-wg/ttt-check/internal/readers"
)

// ConfigFile is ARC's configuration.
const ConfigFile = "/etc/arc.conf"

// dpkgStatus tells the installed ARC version on Debian-family hosts.
const dpkgStatus = "/var/lib/dpkg/status"

// Read returns the ARC CE service, or nothing when /etc/arc.conf is absent.
func Read(h readers.Host) ([]inventory.Service, error) {
	if !h.FS.Exists(ConfigFile) {
		return nil, nil
	}
	svc := inventory.Service{Name: name, ConfigFiles: []string{ConfigFile}}
	data, err := h.FS.ReadFile(ConfigFile)
	if err != nil {
		svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: ConfigFile}, Reason: err.Error()})
		return []inventory.Service{svc}, nil
	}
	if strings.Contains(string(data), "{{") || strings.Contains(string(data), "<%") {
		svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: ConfigFile}, Reason: "an unrendered ERB/Jinja template: values are placeholders"})
	}
	cfg := arcconf.Parse(ConfigFile, data)
	svc.Problems = append(svc.Problems, cfg.Problems...)
	adapt(h, cfg, &svc)
	return []inventory.Service{svc}, nil
}

var tokenRuleKeys = map[string]bool{"authtokens": true, "authtokensgen": true}

// rule is one authgroup rule with its prefix.
type rule struct {
	group    string
	sign     byte // '+', '-' or '!'
	key      string
	value    string
	src      inventory.Source
	tokens   []arcconf.TokenRule
	matchAll bool // `all = yes`
}

func adapt(h readers.Host, cfg *arcconf.Config, svc *inventory.Service) {
	version, vsrc := arcVersion(h, cfg)
	if version != "" {
		svc.Settings = append(svc.Settings, inventory.Setting{Key: "arc.version", Values: []string{version}, Source: vsrc})
	}
	groups := map[string][]rule{}
	var order []string
	for _, b := range cfg.BlocksOf("authgroup") {
		order = append(order, b.Label)
		for _, o := range b.Options {
			r := rule{group: b.Label, sign: '+', key: o.Key, value: o.Value, src: o.Source}
			if o.Key != "" && strings.ContainsRune("+-!", rune(o.Key[0])) {
				r.sign, r.key = o.Key[0], strings.TrimSpace(o.Key[1:])
			}
			switch r.key {
			case "authtokens":
				t, err := arcconf.ParseAuthtokens(o.Value)
				if err != nil {
					svc.Problems = append(svc.Problems, inventory.Problem{Source: o.Source, Reason: err.Error()})
					continue
				}
				r.tokens = []arcconf.TokenRule{t}
			case "authtokensgen":
				e, err := arcconf.ParseExpr(o.Value)
				if err != nil {
					svc.Problems = append(svc.Problems, inventory.Problem{Source: o.Source, Reason: "authtokensgen: " + err.Error()})
					continue
				}
				r.tokens = arcconf.Alternatives(e)
			case "all":
				r.matchAll = o.Value == "" || strings.EqualFold(o.Value, "yes")
			case "plugin":
				if strings.Contains(o.Value, "lcas") || strings.Contains(o.Value, "lcmaps") {
					svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "LCAS/LCMAPS plugin in [authgroup:" + b.Label + "]", Source: o.Source})
				}
			}
			groups[b.Label] = append(groups[b.Label], r)
		}
	}
	if b := cfg.Block("authtokens"); b != nil {
		if version == "7" {
			svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "[authtokens] block, removed in ARC 7", Source: b.Source})
		}
		svc.TokensEnabled, svc.TokensSource = true, b.Source
	}
	for _, name := range []string{"arex/ws/argus", "gridftpd", "gridftpd/jobs", "gridftpd/filedir"} {
		if b := cfg.Block(name); b != nil {
			svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "[" + name + "] block (X.509-era, removed in ARC 7)", Source: b.Source})
		}
	}

	mapping := cfg.Block("mapping")
	account := func(group string) (string, string, inventory.Source) {
		if mapping == nil {
			return "", "", inventory.Source{}
		}
		for _, o := range mapping.Options {
			f := strings.Fields(o.Value)
			if len(f) < 2 || f[0] != group {
				continue
			}
			switch o.Key {
			case "map_to_user":
				user, _, _ := strings.Cut(f[1], ":")
				return user, "", o.Source
			case "map_to_pool":
				return "pool " + f[1], "", o.Source
			case "map_with_file":
				return "", f[1], o.Source
			case "map_with_plugin":
				if strings.Contains(o.Value, "lcmaps") {
					svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "LCMAPS mapping plugin", Source: o.Source})
				}
				return "plugin", "", o.Source
			}
		}
		return "", "", inventory.Source{}
	}

	for _, g := range order {
		for i, r := range groups[g] {
			if len(r.tokens) == 0 {
				continue
			}
			if version != "6" || cfg.Block("authtokens") != nil {
				if !svc.TokensEnabled {
					svc.TokensEnabled, svc.TokensSource = true, r.src
				}
			}
			if r.sign == '-' {
				for _, t := range r.tokens {
					b := inventory.Ban{Identity: identity(t), Source: r.src}
					for _, earlier := range groups[g][:i] {
						if earlier.sign == '+' && (earlier.matchAll || covers(earlier.tokens, t)) {
							b.ShadowedBy = earlier.src
							break
						}
					}
					svc.Bans = append(svc.Bans, b)
				}
				continue
			}
			if r.sign != '+' {
				continue
			}
			acct, mapfile, asrc := account(g)
			for _, t := range r.tokens {
				tr := inventory.Trust{
					Service: name, Name: "authgroup:" + g, Source: r.src,
					Issuer: t.Issuer, AnyIssuer: !t.Constrains("iss"),
					AnySubject: !t.Constrains("sub") || t.Ops["sub"] == "~", AudienceChecked: t.Constrains("aud"), AudienceSource: r.src,
					StrategySource: r.src, Account: acct, MapFile: mapfile, AccountSource: asrc,
				}
				if t.Ops["iss"] == "~" {
					tr.Issuer, tr.IdentityPattern = "", "^(?:"+t.Issuer+"),"
				}
				if t.Constrains("sub") && t.Ops["sub"] == "=" {
					tr.Subjects = []string{t.Subject}
				}
				if t.Constrains("aud") {
					tr.Audiences = []string{t.Audience}
				}
				tr.Strategies = append(tr.Strategies, inventory.StrategyMapping)
				if t.Constrains("scope") {
					tr.Strategies = append(tr.Strategies, inventory.StrategyCapability)
				}
				if t.Constrains("wlcg.groups") {
					tr.Strategies = append(tr.Strategies, inventory.StrategyGroup)
				}
				// A rule that constrains only the issuer admits every token
				// of it (doma-testbed.md: "DANGEROUS").
				if t.Constrains("iss") && !t.Constrains("sub") && !t.Constrains("aud") && !t.Constrains("scope") && !t.Constrains("wlcg.groups") {
					tr.Strategies = append(tr.Strategies, inventory.StrategyIssuerWide)
				}
				svc.Trusts = append(svc.Trusts, tr)
			}
		}
	}

	// Access control: the job interface and every queue.
	var allGroups []string
	for _, g := range order {
		for _, r := range groups[g] {
			if r.matchAll && r.sign == '+' {
				allGroups = append(allGroups, g)
			}
		}
	}
	if len(allGroups) > 0 {
		svc.Settings = append(svc.Settings, inventory.Setting{Key: "authgroup.all", Values: allGroups, Source: cfg.Block("authgroup:" + allGroups[0]).Source})
	}
	for _, b := range cfg.Blocks {
		if b.Name != "arex/ws/jobs" && b.Kind != "queue" {
			continue
		}
		var stmts []string
		var last inventory.Source
		for _, o := range b.Options {
			if o.Key != "allowaccess" && o.Key != "denyaccess" {
				continue
			}
			for _, g := range strings.Fields(o.Value) {
				stmts = append(stmts, o.Key+":"+g)
				if _, ok := groups[g]; !ok && cfg.Block("authgroup:"+g) == nil {
					ref := inventory.Reference{Name: "authgroup " + g, Source: o.Source}
					if src, ok := cfg.Commented["authgroup:"+g]; ok {
						ref.Note = "its [authgroup:" + g + "] block is commented out at line " + itoa(src.Line)
					}
					svc.Dangling = append(svc.Dangling, ref)
				}
			}
			last = o.Source
		}
		if last.IsZero() {
			last = b.Source
		}
		svc.Settings = append(svc.Settings, inventory.Setting{Key: b.Name + ".access", Values: stmts, Source: last})
		shadowedDenies(b, groups, svc)
	}
	if mapping != nil {
		for _, o := range mapping.Options {
			f := strings.Fields(o.Value)
			if !strings.HasPrefix(o.Key, "map_") || len(f) == 0 {
				continue
			}
			if cfg.Block("authgroup:"+f[0]) == nil {
				ref := inventory.Reference{Name: "authgroup " + f[0], Source: o.Source}
				if src, ok := cfg.Commented["authgroup:"+f[0]]; ok {
					ref.Note = "its [authgroup:" + f[0] + "] block is commented out at line " + itoa(src.Line)
				}
				svc.Dangling = append(svc.Dangling, ref)
			}
		}
	}
	if arex := cfg.Block("arex"); arex != nil {
		for _, key := range []string{"loglevel", "tokenscopes"} {
			if vs := arex.Values(key); len(vs) > 0 {
				var vals []string
				for _, v := range vs {
					vals = append(vals, v.Value)
				}
				svc.Settings = append(svc.Settings, inventory.Setting{Key: "arex." + key, Values: vals, Source: vs[len(vs)-1].Source})
			}
		}
	}
}

// shadowedDenies records denyaccess statements that come after an
// allowaccess admitting the same tokens: processing stops at the first
// matching statement, so the deny is never reached.
func shadowedDenies(b *arcconf.Block, groups map[string][]rule, svc *inventory.Service) {
	type stmt struct {
		allow bool
		group string
		src   inventory.Source
	}
	var stmts []stmt
	for _, o := range b.Options {
		if o.Key != "allowaccess" && o.Key != "denyaccess" {
			continue
		}
		for _, g := range strings.Fields(o.Value) {
			stmts = append(stmts, stmt{o.Key == "allowaccess", g, o.Source})
		}
	}
	for i, s := range stmts {
		if s.allow {
			continue
		}
		for _, r := range groups[s.group] {
			if r.sign != '+' {
				continue
			}
			for _, t := range r.tokens {
				ban := inventory.Ban{Identity: "denyaccess " + s.group + ": " + identity(t), Source: s.src}
				for _, e := range stmts[:i] {
					if !e.allow {
						continue
					}
					for _, er := range groups[e.group] {
						if er.sign == '+' && (er.matchAll || covers(er.tokens, t)) {
							ban.ShadowedBy = e.src
						}
					}
					if !ban.ShadowedBy.IsZero() {
						break
					}
				}
				svc.Bans = append(svc.Bans, ban)
			}
		}
	}
}

func identity(t arcconf.TokenRule) string {
	f := func(v string) string {
		if v == "" {
			return "*"
		}
		return v
	}
	return "sub " + f(t.Subject) + " iss " + f(t.Issuer)
}

// covers reports whether one of rules admits every token t admits: each
// of its constraints is absent or equal to t's.
func covers(rules []arcconf.TokenRule, t arcconf.TokenRule) bool {
	for _, r := range rules {
		ok := true
		for claim, op := range r.Ops {
			if op != "=" || t.Ops[claim] != "=" || value(r, claim) != value(t, claim) {
				if op == "~" && t.Ops[claim] == "=" {
					if re, err := regexp.Compile(value(r, claim)); err == nil && re.MatchString(value(t, claim)) {
						continue
					}
				}
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func value(t arcconf.TokenRule, claim string) string {
	switch claim {
	case "iss":
		return t.Issuer
	case "sub":
		return t.Subject
	case "aud":
		return t.Audience
	case "scope":
		return t.Scope
	}
	return t.Group
}

var versionRE = regexp.MustCompile(`(?m)^Package: nordugrid-arc-arex\n(?:[^\n]+\n)*?Version: (\d+)\.`)

// arcVersion tells ARC 6 from ARC 7: the installed package where the host's
// dpkg database says it, else options and blocks only one of them has.
func arcVersion(h readers.Host, cfg *arcconf.Config) (string, inventory.Source) {
	if data, err := h.FS.ReadFile(dpkgStatus); err == nil {
		if m := versionRE.FindSubmatch(data); m != nil {
			return string(m[1]), inventory.Source{File: dpkgStatus}
		}
	}
	for _, b := range cfg.Blocks {
		for _, o := range b.Options {
			k := strings.TrimLeft(o.Key, "+-!")
			if k == "authtokensgen" || (b.Name == "arex" && k == "tokenscopes") {
				return "7", o.Source
			}
		}
		if b.Name == "infosys/accesscontrol" {
			return "7", b.Source
		}
	}
	for _, b := range cfg.Blocks {
		switch {
		case b.Name == "authtokens", b.Name == "gridftpd", b.Name == "arex/ws/argus", b.Kind == "userlist", b.Name == "infosys/glue1":
			return "6", b.Source
		}
	}
	return "", inventory.Source{}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

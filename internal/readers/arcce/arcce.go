// Package arcce reads an ARC CE's /etc/arc.conf: authgroups with their
// token rules in order, [mapping], access control on the job interface and
// queues, token scopes and the A-REX log level, for ARC 6 and ARC 7.
package arcce

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/arcconf"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/version"
)

// ConfigFile is ARC's configuration.
const ConfigFile = "/etc/arc.conf"

// Read returns the ARC CE service, or nothing when /etc/arc.conf is absent.
func Read(h readers.Host) ([]inventory.Service, error) {
	svc := inventory.Service{Name: name, ConfigFiles: []string{ConfigFile}}
	data, err := h.FS.ReadFile(ConfigFile)
	if err != nil {
		// Only a missing file means no ARC CE: one that cannot be read
		// (permission denied, a link loop) is a CE not judged.
		if readers.Missing(err) {
			return nil, nil
		}
		svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: ConfigFile}, Reason: err.Error()})
		return []inventory.Service{svc}, nil
	}
	if bytes.Contains(data, []byte("{{")) || bytes.Contains(data, []byte("<%")) {
		svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: ConfigFile}, Reason: "an unrendered ERB/Jinja template: values are placeholders"})
	}
	cfg := arcconf.Parse(ConfigFile, data)
	svc.Problems = append(svc.Problems, cfg.Problems...)
	svc.Sections = readers.INISections(h, ConfigFile)
	adapt(h, cfg, &svc)
	return []inventory.Service{svc}, nil
}

// rule is one authgroup rule with its prefix.
type rule struct {
	group    string
	sign     byte // '+', '-' or '!'
	key      string
	value    string
	src      inventory.Source
	tokens   []arcconf.TokenRule
	matchAll bool // `all = yes`
	// truncated is set when tokens holds only the first of the rule's
	// alternatives (budget.Alternatives).
	truncated bool
}

// adapt turns arc.conf into the inventory. The order of the steps is the
// order in which their entries appear in each list of the inventory, which
// the reports print as is.
func adapt(h readers.Host, cfg *arcconf.Config, svc *inventory.Service) {
	version, vsrc := arcVersion(h, cfg)
	if version != "" {
		svc.Settings = append(svc.Settings, inventory.Setting{Key: "arc.version", Values: []string{version}, Source: vsrc})
	}
	groups, order := readAuthgroups(cfg, svc)
	legacy(cfg, version, svc)
	sh := newShadows()
	tokenTrusts(cfg, version, groups, order, mappingAccounts(cfg.Block("mapping")), sh, svc)
	access(cfg, groups, order, sh, svc)
	danglingMappings(cfg, svc)
	logging(cfg, svc)
}

// readAuthgroups returns the rules of every [authgroup:NAME] block by
// name, and the names in the order of the blocks. A token rule that does
// not parse is a problem and left out; the group's other rules still
// count.
func readAuthgroups(cfg *arcconf.Config, svc *inventory.Service) (map[string][]rule, []string) {
	groups := map[string][]rule{}
	var order []string
	for _, b := range cfg.BlocksOf("authgroup") {
		order = append(order, b.Label)
		for _, o := range b.Options {
			r, problem := parseRule(b.Label, o)
			if problem != nil {
				svc.Problems = append(svc.Problems, *problem)
				continue
			}
			if r.truncated {
				svc.Problems = append(svc.Problems, budget.Problem(o.Source, "authtokensgen's alternatives (the expression in disjunctive form)", budget.Alternatives, "alternatives per rule",
					"the alternatives after those are not judged"))
			}
			groups[b.Label] = append(groups[b.Label], r)
		}
	}
	return groups, order
}

// parseRule reads one authgroup option with its +/-/! prefix: the tokens
// an authtokens or authtokensgen rule admits, or `all`.
func parseRule(group string, o arcconf.Option) (rule, *inventory.Problem) {
	r := rule{group: group, value: o.Value, src: o.Source}
	r.sign, r.key = splitSign(o.Key)
	switch r.key {
	case "authtokens":
		t, err := arcconf.ParseAuthtokens(o.Value)
		if err != nil {
			return rule{}, &inventory.Problem{Source: o.Source, Reason: err.Error()}
		}
		r.tokens = []arcconf.TokenRule{t}
	case "authtokensgen":
		e, err := arcconf.ParseExpr(o.Value)
		if err != nil {
			return rule{}, &inventory.Problem{Source: o.Source, Reason: "authtokensgen: " + err.Error()}
		}
		var complete bool
		r.tokens, complete = arcconf.AlternativesOf(e)
		r.truncated = !complete
	case "all":
		r.matchAll = o.Value == "" || strings.EqualFold(o.Value, "yes")
	}
	return r, nil
}

// splitSign splits an authgroup option's key into its prefix ('+' when
// there is none: a rule without one admits) and the key proper.
func splitSign(key string) (byte, string) {
	if key != "" && strings.ContainsRune("+-!", rune(key[0])) {
		return key[0], strings.TrimSpace(key[1:])
	}
	return '+', key
}

// legacy records what belongs to X.509-era or ARC 6 setups. LCAS/LCMAPS
// plugins in authgroups are X.509 callouts that ARC 6 and 7 both still
// run (arc.conf.reference v7.0.0rc3, [authgroup] plugin): GSI remnants.
// The [authtokens] block, gridftpd and Argus blocks are gone from ARC 7,
// whose validator refuses unknown blocks: configuration ARC 7 no longer
// takes; on ARC 6 (or an unknown release, judged as ARC 6) gridftpd and
// Argus still run, X.509-only: GSI remnants there. (LCMAPS in [mapping]
// is recorded with the trusts it maps, see tokenTrusts.)
func legacy(cfg *arcconf.Config, version string, svc *inventory.Service) {
	for _, b := range cfg.BlocksOf("authgroup") {
		for _, o := range b.Options {
			if _, key := splitSign(o.Key); key == "plugin" && (strings.Contains(o.Value, "lcas") || strings.Contains(o.Value, "lcmaps")) {
				svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "gsi", What: "LCAS/LCMAPS plugin in [authgroup:" + b.Label + "]", Source: o.Source})
			}
		}
	}
	if b := cfg.Block("authtokens"); b != nil && version == "7" {
		svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "[authtokens] block, removed in ARC 7: its validator (arcctl config verify, Validator.py) reports \"Unknown block [authtokens]\" and A-REX's start script refuses to start", Source: b.Source})
	}
	for _, name := range []string{"arex/ws/argus", "gridftpd", "gridftpd/jobs", "gridftpd/filedir"} {
		b := cfg.Block(name)
		switch {
		case b == nil:
		case version == "7":
			svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "[" + name + "] block, removed in ARC 7: its validator (arcctl config verify, Validator.py) reports \"Unknown block [" + name + "]\" and A-REX's start script refuses to start", Source: b.Source})
		default:
			svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "gsi", What: "[" + name + "] block (X.509 only; removed in ARC 7)", Source: b.Source})
		}
	}
}

// groupAccount is where [mapping] sends the tokens of one authgroup.
type groupAccount struct {
	user    string // a local user, "pool DIR" or "plugin"
	mapfile string // for map_with_file
	src     inventory.Source
	// lcmaps is set for a map_with_plugin rule calling LCMAPS.
	lcmaps bool
}

// mappingAccounts reads [mapping] once: for each authgroup, the first
// map_to_user, map_to_pool, map_with_file or map_with_plugin rule naming
// it. A rule without a target is skipped, so a later one for the same
// group still counts.
func mappingAccounts(mapping *arcconf.Block) map[string]groupAccount {
	accounts := map[string]groupAccount{}
	if mapping == nil {
		return accounts
	}
	for _, o := range mapping.Options {
		f := strings.Fields(o.Value)
		if len(f) < 2 {
			continue
		}
		if _, seen := accounts[f[0]]; seen {
			continue
		}
		a := groupAccount{src: o.Source}
		switch o.Key {
		case "map_to_user":
			a.user, _, _ = strings.Cut(f[1], ":")
		case "map_to_pool":
			a.user = "pool " + f[1]
		case "map_with_file":
			a.mapfile = f[1]
		case "map_with_plugin":
			a.user, a.lcmaps = "plugin", strings.Contains(o.Value, "lcmaps")
		default:
			continue
		}
		accounts[f[0]] = a
	}
	return accounts
}

// tokenTrusts turns the token rules of every authgroup into trusts (for
// `+` rules) and bans (for `-` rules), in the order of the blocks and
// rules. Tokens are on with an [authtokens] block, on ARC 7 with any
// token rule.
func tokenTrusts(cfg *arcconf.Config, version string, groups map[string][]rule, order []string, accounts map[string]groupAccount, sh *shadows, svc *inventory.Service) {
	authtokens := cfg.Block("authtokens")
	if authtokens != nil {
		svc.TokensEnabled, svc.TokensSource = true, authtokens.Source
	}
	cut := false // budget.Entries trusts were made
	// Sized once: a trust is about 500 bytes, and growing the list by
	// doubling to a hostile file's 100,000 trusts allocated three times
	// what they take.
	n := 0
	for _, g := range order {
		for _, r := range groups[g] {
			if r.sign == '+' {
				n += len(r.tokens)
			}
		}
	}
	svc.Trusts = slices.Grow(svc.Trusts, min(n, budget.Entries))
	for _, g := range order {
		for i, r := range groups[g] {
			if len(r.tokens) == 0 {
				continue
			}
			if (version != "6" || authtokens != nil) && !svc.TokensEnabled {
				svc.TokensEnabled, svc.TokensSource = true, r.src
			}
			switch r.sign {
			case '-':
				if bans, ok := sh.ruleBans(groups[g][:i], r); ok {
					svc.Bans = append(svc.Bans, bans...)
				} else {
					sh.stop(r.src, svc)
				}
			case '+':
				acct := accounts[g]
				if acct.lcmaps {
					// Recorded once per `+` token rule it maps, which is how
					// the reports have always counted it.
					svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "config", What: "LCMAPS mapping plugin", Source: acct.src})
				}
				for _, t := range r.tokens {
					if len(svc.Trusts) >= budget.Entries {
						// The scan keeps no more; building them would
						// cost most of what a huge arc.conf costs.
						if !cut {
							cut = true
							svc.Problems = append(svc.Problems, budget.EntriesProblem(r.src, "trusts", svc.Label()))
						}
						break
					}
					svc.Trusts = append(svc.Trusts, ruleTrust(g, r, t, acct))
				}
			}
		}
	}
}

// shadows decides which earlier rules shadow bans, within budget.Matches
// comparisons of token rules for the whole arc.conf: the search is the
// product of bans, earlier rules and their alternatives, so a hostile
// file of thousands of each would cost minutes. Patterns are compiled once
// each.
type shadows struct {
	compared int
	stopped  bool
	patterns map[string]*regexp.Regexp
}

func newShadows() *shadows { return &shadows{patterns: map[string]*regexp.Regexp{}} }

// spend counts n comparisons and reports whether they are within budget.
func (sh *shadows) spend(n int) bool {
	sh.compared += n
	return sh.compared <= budget.Matches
}

// stop records, once, that the budget ended the search at src.
func (sh *shadows) stop(src inventory.Source, svc *inventory.Service) {
	if sh.stopped {
		return
	}
	sh.stopped = true
	svc.Problems = append(svc.Problems, budget.Problem(src, "the search for rules that shadow bans", budget.Matches, "comparisons of token rules",
		"the bans from here on are not recorded nor checked"))
}

// ruleBans are the bans of a `-` rule, with a fresh budget (tests).
func ruleBans(earlier []rule, r rule) []inventory.Ban {
	bans, _ := newShadows().ruleBans(earlier, r)
	return bans
}

// ruleBans are the bans of a `-` rule. Rules apply in order and the first
// match decides, so an earlier `+` rule admitting the same tokens shadows
// the ban. ok is false once the budget is spent.
func (sh *shadows) ruleBans(earlier []rule, r rule) (bans []inventory.Ban, ok bool) {
	if sh.stopped {
		return nil, false
	}
	for _, t := range r.tokens {
		b := inventory.Ban{Identity: identity(t), Source: r.src}
		for _, e := range earlier {
			if e.sign != '+' {
				continue
			}
			if !sh.spend(len(e.tokens) + 1) {
				return nil, false
			}
			if sh.shadow(&b, e, t) {
				b.ShadowedBy = e.src
				break
			}
		}
		bans = append(bans, b)
	}
	return bans, true
}

// ruleTrust is what one alternative of a `+` token rule of group g admits,
// mapped as [mapping] maps the group.
func ruleTrust(g string, r rule, t arcconf.TokenRule, acct groupAccount) inventory.Trust {
	tr := inventory.Trust{
		Service: name, Name: "authgroup:" + g, Source: r.src,
		Issuer: t.Issuer, AnyIssuer: !t.Constrains("iss"),
		AnySubject: !t.Constrains("sub") || t.Ops["sub"] == "~", AudienceChecked: t.Constrains("aud"), AudienceSource: r.src,
		StrategySource: r.src, Account: acct.user, MapFile: acct.mapfile, AccountSource: acct.src,
	}
	if t.Ops["iss"] == "~" {
		tr.Issuer, tr.IdentityPattern = "", "^(?:"+t.Issuer+"),"
		if p, err := inventory.CompilePattern(tr.IdentityPattern); err == nil {
			tr.Pattern = p
		}
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
	// A rule that constrains only the issuer admits every token of it: the
	// WLCG DOMA testbed page calls its issuer-only example "very rough /
	// DANGEROUS configuration - accepting all tokens without restrictions"
	// (https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md,
	// [authgroup: egi_aai]).
	if t.Constrains("iss") && !t.Constrains("sub") && !t.Constrains("aud") && !t.Constrains("scope") && !t.Constrains("wlcg.groups") {
		tr.Strategies = append(tr.Strategies, inventory.StrategyIssuerWide)
	}
	return tr
}

// access records who may use the job interface and every queue: the
// authgroups that admit everyone (`all`), each block's allowaccess and
// denyaccess statements in order, statements naming no authgroup, and
// denies an earlier allow shadows.
func access(cfg *arcconf.Config, groups map[string][]rule, order []string, sh *shadows, svc *inventory.Service) {
	all := allGroups(groups, order)
	if len(all) > 0 {
		svc.Settings = append(svc.Settings, inventory.Setting{Key: "authgroup.all", Values: all, Source: cfg.Block("authgroup:" + all[0]).Source})
	}
	// What A-REX enforces for the job interface is the mapping: a request
	// whose identity [mapping] maps gets a user configuration
	// (ARexConfigContext::GetRutimeConfiguration, job.cpp); the
	// [arex/ws/jobs] lists are not consulted by ARC 6.9-6.21 nor by ARC
	// 7's REST handlers (docs/services/arc-ce.md, access-open).
	inAll := map[string]bool{}
	for _, g := range all {
		inAll[g] = true
	}
	for g, a := range mappingAccounts(cfg.Block("mapping")) {
		if inAll[g] && (a.user != "" || a.mapfile != "") {
			to := a.user
			if to == "" {
				to = "the accounts of " + a.mapfile
			}
			svc.Settings = append(svc.Settings, inventory.Setting{Key: "mapping.all", Values: []string{g, to}, Source: a.src})
		}
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
					svc.Dangling = append(svc.Dangling, danglingGroup(cfg, g, o.Source))
				}
			}
			last = o.Source
		}
		if last.IsZero() {
			last = b.Source
		}
		svc.Settings = append(svc.Settings, inventory.Setting{Key: b.Name + ".access", Values: stmts, Source: last})
		shadowedDenies(b, groups, sh, svc)
	}
}

// allGroups are the authgroups with an `all` rule that admits, once per
// such rule, in the order of the blocks.
func allGroups(groups map[string][]rule, order []string) []string {
	var all []string
	for _, g := range order {
		for _, r := range groups[g] {
			if r.matchAll && r.sign == '+' {
				all = append(all, g)
			}
		}
	}
	return all
}

// danglingGroup is a reference at src to an authgroup no block defines,
// saying where arc.conf has that block commented out, since uncommenting
// it is then the likely fix.
func danglingGroup(cfg *arcconf.Config, g string, src inventory.Source) inventory.Reference {
	ref := inventory.Reference{Name: "authgroup " + g, Source: src}
	if c, ok := cfg.Commented["authgroup:"+g]; ok {
		ref.Note = "its [authgroup:" + g + "] block is commented out at line " + itoa(c.Line)
	}
	return ref
}

// danglingMappings records [mapping] rules for authgroups no block
// defines: they map nobody.
func danglingMappings(cfg *arcconf.Config, svc *inventory.Service) {
	mapping := cfg.Block("mapping")
	if mapping == nil {
		return
	}
	for _, o := range mapping.Options {
		f := strings.Fields(o.Value)
		if !strings.HasPrefix(o.Key, "map_") || len(f) == 0 {
			continue
		}
		if cfg.Block("authgroup:"+f[0]) == nil {
			svc.Dangling = append(svc.Dangling, danglingGroup(cfg, f[0], o.Source))
		}
	}
}

// logging records A-REX's loglevel (at DEBUG it logs the tokens it
// receives) and tokenscopes, every value in order with the last one's
// source.
func logging(cfg *arcconf.Config, svc *inventory.Service) {
	arex := cfg.Block("arex")
	if arex == nil {
		return
	}
	for _, key := range []string{"loglevel", "tokenscopes"} {
		if vs := arex.Values(key); len(vs) > 0 {
			var vals []string
			for _, v := range vs {
				vals = append(vals, v.Value)
			}
			// A repeated loglevel is kept whole: arcconfig-parser prints
			// every value, and which one A-REX's start script ends up
			// with is not settled, so any leaking value counts.
			svc.Settings = append(svc.Settings, inventory.Setting{Key: "arex." + key, Values: vals, Source: vs[len(vs)-1].Source})
		}
	}
}

// shadowedDenies records denyaccess statements that come after an
// allowaccess admitting the same tokens: processing stops at the first
// matching statement, so the deny is never reached.
func shadowedDenies(b *arcconf.Block, groups map[string][]rule, sh *shadows, svc *inventory.Service) {
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
				if sh.stopped {
					return
				}
				ban := inventory.Ban{Identity: "denyaccess " + s.group + ": " + identity(t), Source: s.src}
				for _, e := range stmts[:i] {
					if !e.allow {
						continue
					}
					for _, er := range groups[e.group] {
						if er.sign != '+' {
							continue
						}
						if !sh.spend(len(er.tokens) + 1) {
							sh.stop(s.src, svc)
							return
						}
						if sh.shadow(&ban, er, t) {
							ban.ShadowedBy = e.src
							break
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

// shadow reports whether the earlier rule e decides some token that the
// ban alternative t targets, and records in b whether it decides all of
// them and a token that slips through. ARC evaluates an authgroup's rules
// in order and stops at the first that matches ("processing STOPS within
// that authgroup", arc.conf.reference [authgroup]), and access statements
// likewise: a ban is dead for every token an earlier rule already decided.
func (sh *shadows) shadow(b *inventory.Ban, e rule, t arcconf.TokenRule) bool {
	if e.matchAll {
		b.Partly, b.SlipsThrough = false, tokenText(t, arcconf.TokenRule{})
		return true
	}
	for _, er := range e.tokens {
		if sh.covers([]arcconf.TokenRule{er}, t) {
			b.Partly, b.SlipsThrough = false, tokenText(t, er)
			return true
		}
	}
	for _, er := range e.tokens {
		if sh.overlaps(er, t) {
			b.Partly, b.SlipsThrough = true, tokenText(t, er)
			return true
		}
	}
	return false
}

// claims are the token claims a rule can constrain, in the order ARC's
// authtokens lists them.
var claims = []string{"sub", "iss", "aud", "scope", "wlcg.groups"}

// overlaps reports whether some token satisfies both rules: every claim
// both constrain can take one value for both (equal literals, or a
// literal the other's pattern matches). Two patterns on one claim are
// not decided, so they do not count as an overlap.
func (sh *shadows) overlaps(a, b arcconf.TokenRule) bool {
	for _, c := range claims {
		oa, ob := a.Ops[c], b.Ops[c]
		if oa == "" || ob == "" {
			continue
		}
		va, vb := value(a, c), value(b, c)
		switch {
		case oa == "=" && ob == "=":
			if va != vb {
				return false
			}
		case oa == "=" && ob == "~":
			if !sh.matches(vb, va) {
				return false
			}
		case oa == "~" && ob == "=":
			if !sh.matches(va, vb) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (sh *shadows) matches(pattern, s string) bool {
	re, ok := sh.patterns[pattern]
	if !ok {
		re, _ = regexp.Compile(pattern) // nil: never matches
		sh.patterns[pattern] = re
	}
	return re != nil && re.MatchString(s)
}

// tokenText names a token both rules admit: each claim's literal from
// whichever rule pins it, "any" where neither does.
func tokenText(ban, earlier arcconf.TokenRule) string {
	var parts []string
	for _, c := range claims {
		v := "any"
		switch {
		case ban.Ops[c] == "=":
			v = value(ban, c)
		case earlier.Ops[c] == "=":
			v = value(earlier, c)
		case ban.Ops[c] == "~":
			v = "matching /" + value(ban, c) + "/"
		}
		parts = append(parts, c+" "+v)
	}
	return strings.Join(parts, ", ")
}

// covers reports whether one of rules admits every token t admits: each
// of its constraints is absent or equal to t's.
func (sh *shadows) covers(rules []arcconf.TokenRule, t arcconf.TokenRule) bool {
	for _, r := range rules {
		ok := true
		for claim, op := range r.Ops {
			if op != "=" || t.Ops[claim] != "=" || value(r, claim) != value(t, claim) {
				if op == "~" && t.Ops[claim] == "=" && sh.matches(value(r, claim), value(t, claim)) {
					continue
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

// Packages are the packages whose version is A-REX's (Debian and EL name
// it alike).
var Packages = []string{"nordugrid-arc-arex"}

// arcVersion tells ARC 6 from ARC 7: the installed package where the host's
// dpkg or RPM database records it, else options and blocks only one of
// them has.
func arcVersion(h readers.Host, cfg *arcconf.Config) (string, inventory.Source) {
	if c, ok := h.Component("arc", Packages); ok {
		up := version.Upstream(c.Version)
		if major, _, _ := strings.Cut(up, "."); major != "" {
			return major, c.Source
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

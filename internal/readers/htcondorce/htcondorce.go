// Package htcondorce reads HTCondor-CE: its configuration in the order
// HTCondor-CE reads it (/etc/condor-ce/condor_config, then the config
// directories), the certificate mapfile with its includes, and turns
// SCITOKENS mapping rules into trusts.
package htcondorce

import (
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/budget"
	"github.com/ttt-wg/ttt-check/internal/parse/condorcfg"
	"github.com/ttt-wg/ttt-check/internal/parse/condormap"
	"github.com/ttt-wg/ttt-check/internal/readers"
)

// Paths HTCondor-CE uses: the packaged files
// (https://github.com/htcondor/htcondor-ce/blob/main/rpm/htcondor-ce.spec),
// CERTIFICATE_MAPFILE's default
// (https://github.com/htcondor/htcondor-ce/blob/main/config/01-common-auth-defaults.conf)
// and the Globus GSI authorization callout file.
const (
	MainConfig     = "/etc/condor-ce/condor_config"
	DefaultMapfile = "/etc/condor-ce/condor_mapfile"
	GSIAuthzConf   = "/etc/grid-security/gsi-authz.conf"
)

// defaultConfigDirs are read after condor_config when it does not name
// LOCAL_CONFIG_DIR itself: package defaults first, then the site's, as the
// packaged condor_config sets it
// (https://github.com/htcondor/htcondor-ce/blob/main/config/condor_config).
var defaultConfigDirs = []string{"/usr/share/condor-ce/config.d", "/etc/condor-ce/config.d"}

// probeIssuer is an issuer no VO uses: a pattern that accepts it accepts
// any issuer.
const probeIssuer = "https://ttt-check-probe.invalid/"

// probeSubject stands for "some subject" when a pattern leaves it open.
const probeSubject = "ttt-check-probe-subject"

// Read returns the HTCondor-CE service, or nothing when it is not installed.
func Read(h readers.Host) ([]inventory.Service, error) {
	found, unreadable := readers.Look(h.FS, MainConfig, "/etc/condor-ce/config.d")
	if !found && len(unreadable) == 0 {
		return nil, nil
	}
	short, _, _ := strings.Cut(h.Name, ".")
	// Macros HTCondor defines itself from the machine it runs on.
	p := condorcfg.NewParser(h.FS, condorcfg.Options{Defaults: map[string]string{
		"FULL_HOSTNAME": h.Name, "HOSTNAME": short, "LOG": "/var/log/condor-ce",
	}})
	p.Config().Problems = append(p.Config().Problems, unreadable...)
	dirs := defaultConfigDirs
	switch main, err := h.FS.Present(MainConfig); {
	case main:
		p.File(MainConfig, inventory.Source{})
		if v, _, ok := p.Config().Value("LOCAL_CONFIG_DIR"); ok && strings.TrimSpace(v) != "" {
			dirs = splitList(v)
		}
	case err == nil:
		p.Config().Problems = append(p.Config().Problems, inventory.Problem{Source: inventory.Source{File: MainConfig}, Reason: "missing; read the config directories HTCondor-CE uses by default"})
	}
	for _, d := range dirs {
		switch ok, err := h.FS.Present(d); {
		case ok:
			p.Dir(d, inventory.Source{})
		case err != nil && d != "/etc/condor-ce/config.d":
			p.Config().Problems = append(p.Config().Problems, readers.Unreadable(d, err))
		}
	}
	// process_locals: a value that is a piped command is one source, any
	// other a list of files
	// (https://github.com/htcondor/htcondor/blob/main/src/condor_utils/condor_config.cpp).
	if v, src, ok := p.Config().Value("LOCAL_CONFIG_FILE"); ok {
		if condorcfg.IsCommand(v) {
			p.Command(v, "LOCAL_CONFIG_FILE", src)
		} else {
			for _, f := range splitList(v) {
				p.LocalFile(f)
			}
		}
	}
	cfg := p.Config()
	svc := adapt(h, cfg)
	svc.Problems = append(svc.Problems, commandProblems(cfg.Commands)...)
	return []inventory.Service{svc}, nil
}

// routerDefaults is HTCondor-CE's own generator of job-router defaults,
// which its package runs from 01-ce-router-defaults.conf
// (LOCAL_CONFIG_FILE = /usr/share/condor-ce/condor_ce_router_defaults|).
// It prints JOB_ROUTER_* settings only
// (https://github.com/htcondor/htcondor-ce/blob/main/src/condor_ce_router_defaults),
// none of which decides who may submit with a token.
const routerDefaults = "/usr/share/condor-ce/condor_ce_router_defaults"

// commandProblems says, for each config source HTCondor would run, what
// ttt-check does not know because it never runs it.
func commandProblems(cmds []condorcfg.Command) []inventory.Problem {
	var out []inventory.Problem
	for _, c := range cmds {
		if f := strings.Fields(c.Command); len(f) > 0 && f[0] == routerDefaults {
			out = append(out, inventory.Problem{Source: c.Source, TrustUnaffected: true,
				Reason: c.Via + " runs " + routerDefaults + ", HTCondor-CE's own (package-owned) job-router defaults generator; ttt-check never runs it, and what it prints (JOB_ROUTER_* settings only) does not decide token trust"})
			continue
		}
		out = append(out, inventory.Problem{Source: c.Source,
			Reason: c.Via + " runs " + strconv.Quote(c.Command) + " and reads its output as configuration; ttt-check never runs commands, and that output could set what decides token trust (SEC_* methods, ALLOW_*, CERTIFICATE_MAPFILE, SCITOKENS_*)"})
	}
	return out
}

func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// settingKeys are the values the checks need, as HTCondor-CE's schedd sees
// them.
var settingKeys = []string{"SCITOKENS_SERVER_AUDIENCE", "ALLOW_WRITE", "ALLOW_ADMINISTRATOR", "DENY_WRITE", "DENY_ADMINISTRATOR", "CERTIFICATE_MAPFILE", "QUEUE_SUPER_USERS", "SCHEDD_DEBUG", "COLLECTOR_HOST"}

// adapt turns the configuration into the inventory. The order of the
// steps is the order in which their entries appear in each list of the
// inventory, which the reports print as is.
func adapt(h readers.Host, cfg *condorcfg.Config) inventory.Service {
	read := len(cfg.Problems)
	svc := inventory.Service{Name: name, ConfigFiles: append([]string{}, cfg.Files...), Problems: append([]inventory.Problem{}, cfg.Problems...)}
	authentication(cfg, &svc)
	m := readMapfile(h, cfg, &svc)
	compiled := compileRules(m.Rules, &svc)
	gsiLegacy(h, cfg, m.Rules, &svc)
	anonymousIdentities(m.Rules, compiled, &svc)
	audiences, audSrc := serverAudience(cfg)
	svc.Trusts = append(svc.Trusts, scitokensTrusts(m.Rules, compiled, audiences, audSrc)...)
	svc.Bans = append(svc.Bans, scitokensBans(m.Rules, compiled, &svc)...)
	// Looking values up expands them, which may go over a budget: those
	// problems come after the ones of reading.
	svc.Problems = append(svc.Problems, cfg.Problems[read:]...)
	return svc
}

// authentication records the settings the checks need and the methods
// the schedd accepts for WRITE (job submission): tokens are on when
// SCITOKENS is among them.
func authentication(cfg *condorcfg.Config, svc *inventory.Service) {
	for _, k := range settingKeys {
		if v, src, ok := cfg.Value(k); ok {
			svc.Settings = append(svc.Settings, inventory.Setting{Key: k, Values: splitList(v), Source: src})
		}
	}
	methods, msrc := writeMethods(cfg)
	svc.Settings = append(svc.Settings, inventory.Setting{Key: "SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS", Values: methods, Source: msrc})
	for _, m := range methods {
		if strings.EqualFold(m, "SCITOKENS") {
			svc.TokensEnabled, svc.TokensSource = true, msrc
		}
	}
}

// anonymousIdentities records, for CLAIMTOBE and ANONYMOUS, the identity
// every client authenticating that way is mapped to, when a rule of the
// mapfile maps them all to one (HTCondor-CE's own
// mapfiles.d/50-common-default.conf has `CLAIMTOBE /.*/
// anonymous@claimtobe`): the first rule of the method wins, as for every
// method. Without such a rule the claimed name stands.
func anonymousIdentities(rules []condormap.Rule, compiled []*inventory.Pattern, svc *inventory.Service) {
	for _, method := range []string{"CLAIMTOBE", "ANONYMOUS"} {
		for i, r := range rules {
			if r.Method != method {
				continue
			}
			all := compiled[i] != nil && compiled[i].MatchString("") && compiled[i].MatchString("alice@example.org")
			if all && !strings.Contains(r.Canonical, `\`) {
				svc.Settings = append(svc.Settings, inventory.Setting{Key: "mapped-identity:" + method, Values: []string{r.Canonical}, Source: r.Source})
			}
			break
		}
	}
}

// serverAudience is SCITOKENS_SERVER_AUDIENCE, the audiences the CE
// accepts in every token, and where it is set.
func serverAudience(cfg *condorcfg.Config) ([]string, inventory.Source) {
	v, src, ok := cfg.Value("SCITOKENS_SERVER_AUDIENCE")
	if !ok {
		return nil, inventory.Source{}
	}
	return splitList(v), src
}

// readMapfile reads CERTIFICATE_MAPFILE (HTCondor-CE's default when unset)
// with the files it includes.
func readMapfile(h readers.Host, cfg *condorcfg.Config, svc *inventory.Service) *condormap.Map {
	mapfile := DefaultMapfile
	if v, _, ok := cfg.Value("CERTIFICATE_MAPFILE"); ok && strings.TrimSpace(v) != "" {
		mapfile = strings.TrimSpace(v)
	}
	m := condormap.Read(h.FS, mapfile)
	svc.ConfigFiles = append(svc.ConfigFiles, m.Files...)
	svc.Problems = append(svc.Problems, m.Problems...)
	return m
}

// compileRules compiles the mapfile's regex principals once, for the
// trusts, the bans and the checks, nil where a rule is literal or its
// pattern cannot be evaluated here.
func compileRules(rules []condormap.Rule, svc *inventory.Service) []*inventory.Pattern {
	compiled := make([]*inventory.Pattern, len(rules))
	for i, r := range rules {
		if !r.Regex {
			continue
		}
		re, err := inventory.CompilePattern(r.Principal)
		if err != nil {
			// HTCondor uses PCRE; RE2 lacks look-around and back
			// references. Say so instead of guessing what it matches.
			svc.Problems = append(svc.Problems, inventory.Problem{Source: r.Source, Reason: "the PCRE pattern /" + r.Principal + "/ cannot be evaluated here (" + err.Error() + "); what it maps is not judged"})
			continue
		}
		compiled[i] = re
	}
	return compiled
}

// gsiLegacy records GSI wherever it is still configured: in any
// *AUTHENTICATION_METHODS, as a Globus callout in gsi-authz.conf, in
// mapfile rules.
func gsiLegacy(h readers.Host, cfg *condorcfg.Config, rules []condormap.Rule, svc *inventory.Service) {
	for _, name := range cfg.Names() {
		if !strings.Contains(name, "AUTHENTICATION_METHODS") {
			continue
		}
		v, src, _ := cfg.Value(name)
		for _, m := range splitList(v) {
			if strings.EqualFold(m, "GSI") {
				svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "gsi", What: "GSI in " + name, Source: src})
			}
		}
	}
	if h.FS.Exists(GSIAuthzConf) {
		what := GSIAuthzConf + " (Globus callout)"
		src := inventory.Source{File: GSIAuthzConf}
		if data, err := h.FS.ReadFile(GSIAuthzConf); err == nil {
			switch {
			case strings.Contains(string(data), "argus"):
				what = GSIAuthzConf + " (Argus callout)"
			case strings.Contains(string(data), "lcmaps"):
				what = GSIAuthzConf + " (LCMAPS callout)"
			}
			// The callout line itself (globus_mapping …), the first line
			// that is not blank or a comment.
			for i, l := range strings.Split(string(data), "\n") {
				if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
					src.Line = i + 1
					break
				}
			}
		}
		svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "gsi", What: what, Source: src})
	}
	for _, r := range rules {
		if r.Method == "GSI" || strings.Contains(r.Canonical, "GSS_ASSIST_GRIDMAP") {
			svc.Legacy = append(svc.Legacy, inventory.Legacy{Kind: "gsi", What: "GSI mapfile rule " + r.Canonical, Source: r.Source})
		}
	}
}

// banned reports a SCITOKENS rule mapping to @banned.htcondor.org,
// HTCondor's way of banning an identity in a mapfile.
func banned(r condormap.Rule) bool {
	return r.Method == "SCITOKENS" && strings.HasSuffix(strings.ToLower(r.Canonical), "@banned.htcondor.org")
}

// scitokensTrusts turns the SCITOKENS rules that map to an account into
// trusts, in mapfile order. Rules whose pattern could not be compiled are
// left out: their problem says so.
func scitokensTrusts(rules []condormap.Rule, compiled []*inventory.Pattern, audiences []string, audSrc inventory.Source) []inventory.Trust {
	n := 0
	for _, r := range rules {
		if r.Method == "SCITOKENS" {
			n++
		}
	}
	trusts := make([]inventory.Trust, 0, n)
	for i, r := range rules {
		if r.Method != "SCITOKENS" || banned(r) {
			continue
		}
		if t, ok := scitokensTrust(r, compiled[i], audiences, audSrc); ok {
			trusts = append(trusts, t)
		}
	}
	return trusts
}

// scitokensTrust is what one SCITOKENS rule admits: a literal issuer,subject
// pair, or what its pattern matches, judged from the literal issuer and
// subject it was written for and a probe issuer no VO uses. re is the
// compiled pattern of a regex rule; ok is false when a regex rule has none.
func scitokensTrust(r condormap.Rule, re *inventory.Pattern, audiences []string, audSrc inventory.Source) (inventory.Trust, bool) {
	t := inventory.Trust{
		Service: name, Name: "SCITOKENS /" + r.Principal + "/", Account: r.Canonical, AccountSource: r.Source,
		Strategies: []inventory.Strategy{inventory.StrategyMapping}, StrategySource: r.Source, Source: r.Source,
		// condor_scitokens.cpp validate_scitoken turns the token's
		// condor:/… and compute.* scopes into the session's only
		// authorizations (a "DENY" placeholder when it has none), and
		// daemon_command.cpp applies them as limits to every command.
		ScopeLimit: inventory.ScopesRequired,
		Audiences:  append([]string{}, audiences...), AudienceChecked: len(audiences) > 0, AudienceSource: audSrc,
	}
	if !r.Regex {
		iss, sub, _ := strings.Cut(r.Principal, ",")
		t.Issuer, t.Subjects = iss, []string{sub}
		return t, true
	}
	if re == nil {
		return inventory.Trust{}, false
	}
	t.IdentityPattern, t.Pattern = r.Principal, re
	lit := literalIdentity(r.Principal)
	t.Issuer = lit.issuer
	if lit.subject != "" {
		t.Subjects = []string{lit.subject}
	} else {
		t.AnySubject = true
	}
	t.AnyIssuer = re.MatchString(probeIssuer + "," + probeSubject)
	return t, true
}

// scitokensBans are the SCITOKENS rules mapping to @banned.htcondor.org,
// each with the earlier rule that shadows it, if any. The earlier rules
// are found through an index (shadowIndex), so that a mapfile of many
// bans costs about one regex test per ban instead of one per earlier
// rule; at budget.Matches tests in all the analysis stops, and the bans
// left are a problem.
func scitokensBans(rules []condormap.Rule, compiled []*inventory.Pattern, svc *inventory.Service) []inventory.Ban {
	var bans []inventory.Ban
	var idx *shadowIndex
	tests := 0
	for i, r := range rules {
		if !banned(r) {
			continue
		}
		if idx == nil {
			idx = newShadowIndex(rules, compiled)
		}
		if tests >= budget.Matches {
			svc.Problems = append(svc.Problems, budget.Problem(r.Source, "the search for rules that shadow bans", budget.Matches, "pattern tests",
				"this ban and the ones after it are not checked for earlier rules that decide their tokens first"))
			break
		}
		bans = append(bans, ban(rules, idx, i, &tests))
	}
	return bans
}

// writeMethods resolves the schedd's WRITE authentication methods.
func writeMethods(cfg *condorcfg.Config) ([]string, inventory.Source) {
	for _, name := range []string{"SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS", "SEC_WRITE_AUTHENTICATION_METHODS", "SCHEDD.SEC_DEFAULT_AUTHENTICATION_METHODS", "SEC_DEFAULT_AUTHENTICATION_METHODS"} {
		if v, src, ok := cfg.Value(name); ok && strings.TrimSpace(v) != "" {
			return splitList(v), src
		}
	}
	return nil, inventory.Source{}
}

// ban describes the ban rule at i and the earlier rule that shadows it;
// tests counts the pattern tests made.
func ban(rules []condormap.Rule, idx *shadowIndex, i int, tests *int) inventory.Ban {
	r := rules[i]
	b := inventory.Ban{Identity: r.Principal, Source: r.Source}
	identity := r.Principal
	if r.Regex {
		lit := literalIdentity(r.Principal)
		if lit.issuer == "" {
			return b
		}
		sub := lit.subject
		if sub == "" {
			sub = probeSubject
		}
		identity = lit.issuer + "," + sub
		b.Identity = identity
	}
	// First match wins per method: an earlier SCITOKENS rule matching the
	// same identity decides it before the ban is reached.
	if j := idx.first(r.Method, identity, i, tests); j >= 0 {
		b.ShadowedBy = rules[j].Source
		iss, sub, _ := strings.Cut(identity, ",")
		if sub == probeSubject {
			sub = "any"
		}
		b.SlipsThrough = "issuer " + iss + ", subject " + sub
	}
	return b
}

// shadowIndex finds the first rule of a method that matches an identity
// without testing every rule: literal principals by value, patterns
// anchored at the start (^https\:\/\/iss…) by the literal text they
// begin with, so that only the patterns whose prefix the identity has are
// tested; the rest (unanchored, case-folded or uncompilable patterns) are
// tested in order. The answer is the one a test of every earlier rule in
// order gives.
type shadowIndex struct {
	rules    []condormap.Rule
	compiled []*inventory.Pattern
	byMethod map[string]*methodIndex
}

type methodIndex struct {
	literal  map[string][]int // principal → rules, ascending
	prefixed map[string][]int // literal prefix of an anchored pattern → rules
	lengths  []int            // the lengths of those prefixes, ascending
	other    []int            // patterns tested for every identity
}

func newShadowIndex(rules []condormap.Rule, compiled []*inventory.Pattern) *shadowIndex {
	x := &shadowIndex{rules: rules, compiled: compiled, byMethod: map[string]*methodIndex{}}
	for j, r := range rules {
		m := x.byMethod[r.Method]
		if m == nil {
			m = &methodIndex{literal: map[string][]int{}, prefixed: map[string][]int{}}
			x.byMethod[r.Method] = m
		}
		switch {
		case !r.Regex:
			m.literal[r.Principal] = append(m.literal[r.Principal], j)
		case compiled[j] == nil:
			// Never matches here: its problem says it is not judged.
		default:
			p, known := compiled[j].LiteralPrefix()
			if !known {
				p = anchoredPrefix(r.Principal)
			}
			if p != "" {
				if _, ok := m.prefixed[p]; !ok {
					m.lengths = append(m.lengths, len(p))
				}
				m.prefixed[p] = append(m.prefixed[p], j)
			} else {
				m.other = append(m.other, j)
			}
		}
	}
	for _, m := range x.byMethod {
		sort.Ints(m.lengths)
		m.lengths = slices.Compact(m.lengths)
	}
	return x
}

// first returns the first rule of method before rule i that matches
// identity, or -1.
func (x *shadowIndex) first(method, identity string, i int, tests *int) int {
	m := x.byMethod[method]
	if m == nil {
		return -1
	}
	best := i
	if l := m.literal[identity]; len(l) > 0 && l[0] < best {
		best = l[0]
	}
	try := func(list []int) {
		for _, j := range list {
			if j >= best {
				return
			}
			*tests++
			if x.compiled[j].MatchString(identity) {
				best = j
				return
			}
		}
	}
	for _, n := range m.lengths {
		if n > len(identity) {
			break
		}
		try(m.prefixed[identity[:n]])
	}
	try(m.other)
	if best == i {
		return -1
	}
	return best
}

// anchoredPrefix is the literal text every match of pattern begins with
// when the pattern is anchored at the start of the text ("" when it is
// not, or its first element is not a case-sensitive literal).
func anchoredPrefix(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText {
		return ""
	}
	var b strings.Builder
	for _, sub := range re.Sub[1:] {
		if sub.Op != syntax.OpLiteral || sub.Flags&syntax.FoldCase != 0 {
			break
		}
		b.WriteString(string(sub.Rune))
	}
	return b.String()
}

type identity struct {
	issuer string // literal issuer the pattern was written for
	// subject is the literal subject the pattern names; pinned exactly
	// with `$`, as a prefix without it (which an issuer's own subjects,
	// UUIDs, never extend).
	subject string
}

// literalIdentity reads the literal issuer (and subject) out of a pattern
// written like the OSG topology generates them:
// ^https\:\/\/atlas\-auth\.cern\.ch\/,7dee38a3\-…$ . Unescaped dots are
// taken as the dots they were meant to be; the checks probe what else
// they admit.
func literalIdentity(pattern string) identity {
	p := strings.TrimPrefix(pattern, "^")
	var b strings.Builder
	b.Grow(len(p))
	var id identity
	inSubject := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			n := p[i+1]
			if isAlnum(n) {
				return finish(id, inSubject, "", false)
			}
			b.WriteByte(n)
			i++
		case c == '.':
			if i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '+') {
				return finish(id, inSubject, b.String(), false)
			}
			b.WriteByte('.')
		case c == ',' && !inSubject:
			id.issuer = b.String()
			b.Reset()
			inSubject = true
		case c == '$' && i == len(p)-1:
			return finish(id, inSubject, b.String(), true)
		case strings.IndexByte("*+?()[]{}|^$", c) >= 0:
			return finish(id, inSubject, "", false)
		default:
			b.WriteByte(c)
		}
	}
	return finish(id, inSubject, b.String(), false)
}

func finish(id identity, inSubject bool, rest string, _ bool) identity {
	if !inSubject {
		return identity{}
	}
	id.subject = rest
	return id
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Package xrootd reads XRootD services: every /etc/xrootd/*.cfg instance,
// the SciTokens plugin's config and the acc.authdb, into the inventory.
// The adapter works on parsed configs so that EOS, whose MGM uses the same
// language and plugin, can reuse it.
package xrootd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/hostfs"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/scitokenscfg"
	"github.com/ttt-wg/ttt-check/internal/parse/xrdauthdb"
	"github.com/ttt-wg/ttt-check/internal/parse/xrootdcfg"
	"github.com/ttt-wg/ttt-check/internal/readers"
)

// ConfigDir is where XRootD instance configs live.
const ConfigDir = "/etc/xrootd"

// DefaultSciTokensConfig is the plugin's config when ofs.authlib gives none
// (src/XrdSciTokens/README.md).
const DefaultSciTokensConfig = "/etc/xrootd/scitokens.cfg"

// Read returns one service per XRootD instance config on the host.
func Read(h readers.Host) ([]inventory.Service, error) {
	candidates, err := h.FS.Glob(ConfigDir, "*.cfg")
	if err != nil {
		// The instances cannot be listed: not "no xrootd", but xrootd
		// not judged.
		return []inventory.Service{{Name: name, Problems: []inventory.Problem{readers.Unreadable(ConfigDir, err)}}}, nil
	}
	type parsed struct {
		file, instance string
		cfg            *xrootdcfg.Config
	}
	var mains []parsed
	referenced := map[string]bool{DefaultSciTokensConfig: true}
	for _, file := range candidates {
		if iniLike(h, file) {
			continue
		}
		inst := instanceName(file)
		cfg := xrootdcfg.Parse(h.FS, file, xrootdcfg.Options{Host: h.Name, Instance: inst, Program: "xrootd", Env: unitEnv(h, "xrootd@"+inst+".service")})
		for _, d := range tokenLibs(cfg) {
			referenced[sciTokensConfig(d)] = true
		}
		mains = append(mains, parsed{file, inst, cfg})
	}
	var out []inventory.Service
	for _, m := range mains {
		if referenced[m.file] {
			continue
		}
		out = append(out, Adapt(h, name, m.instance, m.cfg))
	}
	return out, nil
}

// iniLike tells a SciTokens-style INI file (first meaningful line a
// [section]) from an xrootd config, so that a scitokens.cfg under another
// name is not taken for an instance.
//
// Only the lines up to that one are read (the parse reads the file
// anyway): reading a config of several MB in full just to look at its
// first line would double what the scan holds.
func iniLike(h readers.Host, file string) bool {
	f, st, err := h.FS.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	if st.Size() > hostfs.MaxFileSize {
		return false // the parse says it is too large
	}
	sc := bufio.NewScanner(io.LimitReader(f, hostfs.MaxFileSize))
	sc.Buffer(make([]byte, 0, 4096), hostfs.MaxFileSize)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || l[0] == '#' || l[0] == ';' {
			continue
		}
		return l[0] == '['
	}
	return false
}

// instanceName follows the systemd units: xrootd@NAME runs
// -c /etc/xrootd/xrootd-NAME.cfg -n NAME.
func instanceName(file string) string {
	base := strings.TrimSuffix(path.Base(file), ".cfg")
	if n, ok := strings.CutPrefix(base, "xrootd-"); ok && n != "" {
		return n
	}
	return base
}

// tokenLibs are the directives loading the SciTokens authorization plugin.
func tokenLibs(cfg *xrootdcfg.Config) []xrootdcfg.Directive {
	var out []xrootdcfg.Directive
	for _, d := range cfg.Directives {
		if d.Name != "ofs.authlib" && d.Name != "mgmofs.macaroonslib" {
			continue
		}
		for _, a := range d.Args {
			if strings.Contains(path.Base(a), "XrdAccSciTokens") || strings.Contains(path.Base(a), "EosAccSciTokens") {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

func sciTokensConfig(d xrootdcfg.Directive) string {
	for _, a := range d.Args {
		if v, ok := strings.CutPrefix(a, "config="); ok && v != "" {
			return v
		}
	}
	return DefaultSciTokensConfig
}

// traceKeys are the trace directives, options kept in order for the
// checks to evaluate. A repeated directive replaces the earlier one: each
// option parser starts from nothing and stores its result whole
// (XrdXrootdProtocol::xtrace and XrdHttpProtocol::xtrace "What = trval",
// https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdXrootd/XrdXrootdConfig.cc#L1998-L2039,
// https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdHttp/XrdHttpProtocol.cc#L2870-L2910;
// likewise XrdOfs::xtrace, XrdConfig::xtrace, XrdOucPsx::ParseTrace,
// Handler::xtrace for macaroons, and scitokens.trace, which clears the
// mask before each line it gathers).
var traceKeys = map[string]bool{"xrootd.trace": true, "http.trace": true, "scitokens.trace": true, "ofs.trace": true, "macaroons.trace": true, "xrd.trace": true, "pss.trace": true}

// switchKeys are directives without options that turn something on:
// pss.debug sets the proxy's debug trace (XrdPssConfig.cc TS_DBG), whose
// lines print the origin URL the proxy builds, client CGI included
// (XrdPss.cc DEBUG "url="). They are recorded with the value "on".
var switchKeys = map[string]bool{"pss.debug": true}

// repeatedKeys keep one setting per directive.
var repeatedKeys = map[string]bool{"http.header2cgi": true, "ofs.authlib": true, "sec.protocol": true, "mgmofs.macaroonslib": true, "xrootd.redirect": true, "xrd.protocol": true}

// lastKeys keep the last directive's values.
var lastKeys = map[string]bool{"all.role": true, "ofs.authorize": true, "acc.authdb": true, "pss.origin": true, "ofs.osslib": true, "all.export": true, "xrd.port": true}

// Adapt turns a parsed xrootd-language config into a service.
func Adapt(h readers.Host, service, instance string, cfg *xrootdcfg.Config) inventory.Service {
	svc := inventory.Service{Name: service, Instance: instance, ConfigFiles: append([]string{}, cfg.Files...), Problems: append([]inventory.Problem{}, cfg.Problems...)}
	traceAt := map[string]int{}
	lastAt := map[string]int{}
	for _, d := range cfg.Directives {
		switch {
		case traceKeys[d.Name], switchKeys[d.Name]:
			values := append([]string{}, d.Args...)
			if switchKeys[d.Name] {
				values = []string{"on"}
			}
			set := inventory.Setting{Key: d.Name, Values: values, Source: d.Source}
			if i, ok := traceAt[d.Name]; ok {
				svc.Settings[i] = set
				continue
			}
			traceAt[d.Name] = len(svc.Settings)
			svc.Settings = append(svc.Settings, set)
		case repeatedKeys[d.Name]:
			svc.Settings = append(svc.Settings, inventory.Setting{Key: d.Name, Values: d.Args, Source: d.Source})
		case lastKeys[d.Name]:
			if i, ok := lastAt[d.Name]; ok {
				svc.Settings[i] = inventory.Setting{Key: d.Name, Values: d.Args, Source: d.Source}
				continue
			}
			lastAt[d.Name] = len(svc.Settings)
			svc.Settings = append(svc.Settings, inventory.Setting{Key: d.Name, Values: d.Args, Source: d.Source})
		}
	}
	for _, d := range cfg.Directives {
		if d.Name == "sec.protocol" && len(d.Args) > 0 && strings.Contains(d.Args[0], "ztn") && !svc.TokensEnabled {
			svc.TokensEnabled, svc.TokensSource = true, d.Source
		}
	}
	if life, ok := macaroonLifetime(cfg); ok {
		svc.Settings = append(svc.Settings, life)
	}
	libs := tokenLibs(cfg)
	if len(libs) == 0 {
		return svc
	}
	lib := libs[len(libs)-1]
	svc.TokensEnabled, svc.TokensSource = true, lib.Source
	stPath := sciTokensConfig(lib)
	svc.ConfigFiles = append(svc.ConfigFiles, stPath)
	data, err := h.FS.ReadFile(stPath)
	if err != nil {
		reason := fmt.Sprintf("cannot read the SciTokens plugin config %q: %s", stPath, plainErr(err))
		svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: stPath}, Reason: reason})
		return svc
	}
	ini, err := scitokenscfg.ParseINI(stPath, data)
	if err != nil {
		var pe *scitokenscfg.ParseError
		if errors.As(err, &pe) {
			svc.Problems = append(svc.Problems, inventory.Problem{Source: pe.Source, Reason: pe.Reason + " (xrootd: \"Parse error\", it refuses to start)"})
		} else {
			svc.Problems = append(svc.Problems, inventory.Problem{Source: inventory.Source{File: stPath}, Reason: err.Error()})
		}
		return svc
	}
	rel, known := h.Component("xrootd", Packages)
	release := ""
	if known {
		release = rel.Version
	}
	st := scitokenscfg.InterpretRelease(ini, h.FS.ReadFile, release)
	svc.Sections = append(svc.Sections, readers.INISections(h, stPath)...)
	svc.Problems = append(svc.Problems, st.Problems...)
	for _, k := range st.TooNew {
		svc.UnknownKeys = append(svc.UnknownKeys, inventory.UnknownKey{Key: k.Value.Key, Source: k.Value.Source, Since: k.Since, Release: "xrootd " + release})
	}
	svc.Settings = append(svc.Settings, inventory.Setting{Key: "scitokens.onmissing", Values: []string{st.OnMissing}, Source: st.OnMissingSource})
	db := readAuthdb(h, &svc)
	// Without an audience the finding belongs where one would go: the
	// [Global] section, else each issuer's own section (issuerTrust).
	audSrc := st.AudienceSource
	if audSrc.IsZero() {
		audSrc = st.GlobalSource
	}
	multiuser := multiuserPlugin(cfg)
	for _, is := range st.Issuers {
		t := issuerTrust(service, instance, is, st, audSrc, db)
		// Without xrootd-multiuser the name never becomes the local user
		// the server acts as: files are written by the xrootd account
		// whatever default_user says (TestLivePrivilegedDefaultUser).
		t.AccountNameOnly = t.Account != "" && !multiuser
		svc.Trusts = append(svc.Trusts, t)
	}
	return svc
}

// macaroonLifetimeKey is the inventory setting of the longest lifetime a
// service lets a macaroon have, in seconds (0: no limit); a second value
// names the setting that would set it when the service's default applies.
const macaroonLifetimeKey = "macaroon.max-lifetime-seconds"

// macaroonDefault is XrdMacaroons' maximum when macaroons.maxduration is
// not set: "Set default maximum duration (24 hours)"
// (Handler::Config, https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdMacaroons/XrdMacaroonsConfigure.cc#L58-L59).
const macaroonDefault = 24 * 3600

// macaroonLifetime is the longest macaroon an instance that loads
// XrdMacaroons mints (the HTTP handler, http.exthandler) or accepts (the
// authorization library, ofs.authlib or EOS's mgmofs.macaroonslib): both
// read macaroons.maxduration from the instance's config, the last one
// read wins, strtoll takes its leading integer, and a value of 0 or less
// sets no limit (GenerateMacaroonResponse caps the requested validity
// "if (m_max_duration > 0)", AuthzCheck refuses a before: caveat beyond
// it likewise: XrdMacaroonsHandler.cc L473-476, XrdMacaroonsAuthz.cc
// L447). Without the directive the default (24 h) applies, at the line
// that loads the library.
func macaroonLifetime(cfg *xrootdcfg.Config) (inventory.Setting, bool) {
	var load, max *xrootdcfg.Directive
	for i, d := range cfg.Directives {
		switch d.Name {
		case "http.exthandler", "ofs.authlib", "mgmofs.macaroonslib":
			for _, a := range d.Args {
				if strings.Contains(path.Base(a), "XrdMacaroons") && load == nil {
					load = &cfg.Directives[i]
				}
			}
		case "macaroons.maxduration":
			max = &cfg.Directives[i]
		}
	}
	if load == nil {
		return inventory.Setting{}, false
	}
	if max == nil || len(max.Args) == 0 {
		return inventory.Setting{Key: macaroonLifetimeKey, Values: []string{strconv.Itoa(macaroonDefault), "macaroons.maxduration"}, Source: load.Source}, true
	}
	v := max.Args[0]
	end := 0
	for end < len(v) && (v[end] >= '0' && v[end] <= '9' || end == 0 && (v[0] == '-' || v[0] == '+')) {
		end++
	}
	n, err := strconv.ParseInt(v[:end], 10, 64)
	if err != nil {
		// XrdMacaroons refuses the configuration ("Unable to parse
		// macaroons.maxduration as an integer"): nothing is minted.
		return inventory.Setting{}, false
	}
	if n < 0 {
		n = 0
	}
	return inventory.Setting{Key: macaroonLifetimeKey, Values: []string{strconv.FormatInt(n, 10)}, Source: max.Source}, true
}

// orSource is a, or b when a is not known.
func orSource(a, b inventory.Source) inventory.Source {
	if a.IsZero() {
		return b
	}
	return a
}

// unitEnv is the environment systemd gives a unit (its Environment= and
// EnvironmentFile= lines, drop-ins included): what `set x = $NAME` and
// undefined $NAME read in xrootd's config. Nil when the host holds no
// such unit, so that the parser says the value is unknown.
func unitEnv(h readers.Host, unit string) map[string]string {
	if h.Unit == nil {
		return nil
	}
	u := h.Unit(unit)
	if u.State == inventory.UnitNotFound || u.State == "" {
		return nil
	}
	env := make(map[string]string, len(u.Env))
	for _, v := range u.Env {
		env[v.Name] = v.Value
	}
	return env
}

// multiuserPlugin reports whether the xrootd-multiuser plugin, which
// switches the filesystem user to the request's name, is loaded
// (xrootd.fslib, ofs.osslib or ofs.ckslib … libXrdMultiuser.so).
func multiuserPlugin(cfg *xrootdcfg.Config) bool {
	for _, d := range cfg.Directives {
		switch d.Name {
		case "xrootd.fslib", "ofs.osslib", "ofs.ckslib":
			if strings.Contains(strings.Join(d.Args, " "), "libXrdMultiuser") {
				return true
			}
		}
	}
	return false
}

// issuerTrust is what one [Issuer …] section admits, as the plugin and
// acc.authdb decide it together (XrdAccSciTokens::Access and
// XrdAccAccess::Access, proven against the running 5.5.3 in LIVE.md):
//   - a token whose scopes cover the request is authorized by the scopes
//     (capability), and only then gets default_user (or its subject, with
//     map_subject) as its name: "Default user only applies to scope-based
//     mappings";
//   - a token whose scopes do not cover the request reaches acc.authdb
//     with no name, as an entity of organisation <issuer> with the
//     token's groups, unless a name_mapfile rule maps it: then under the
//     mapped name, without any scope;
//   - so an authdb `o <issuer>` rule, or a name_mapfile rule matching every
//     token, gives every token of the issuer the same rights
//     (issuer-wide); authdb group rules or mapfile group rules make
//     groups authorize (group); mapfile rules make the mapping strategy do
//     something at all.
func issuerTrust(service, instance string, is scitokenscfg.Issuer, st *scitokenscfg.Config, audSrc inventory.Source, db *xrdauthdb.DB) inventory.Trust {
	t := inventory.Trust{
		Service: service, Instance: instance, Name: is.Name, Issuer: is.Issuer.Value, AnySubject: true,
		// scitokens-cpp checks a present aud claim whatever is configured;
		// the list makes it mandatory (aud_validator, TestLiveAudience).
		Audiences: append([]string{}, st.Audiences...), AudienceChecked: len(st.Audiences) > 0, AudienceSource: orSource(audSrc, is.Source),
		AudienceIfPresent: len(st.Audiences) == 0,
		StrategySource:    is.StrategySource, BasePaths: is.BasePaths, RestrictedPaths: is.RestrictedPaths,
		PathSource: is.BasePathSource, Source: is.Issuer.Source,
		Account: is.DefaultUser.Value, AccountSource: is.DefaultUser.Source,
		SubjectMapped: is.MapSubject || is.UsernameClaim.Value != "", MapFile: is.NameMapfile.Value,
	}
	if t.SubjectMapped && is.UsernameClaim.Value == "" {
		t.AccountSource = is.MapSubjectSource
	}
	listed := map[string]bool{}
	for _, s := range is.Strategies {
		listed[s] = true
	}
	if listed[scitokenscfg.Capability] {
		t.Strategies = append(t.Strategies, inventory.StrategyCapability)
	}
	groupRule, groups := groupConsumer(is, db)
	if listed[scitokenscfg.Group] && groups {
		t.Strategies = append(t.Strategies, inventory.StrategyGroup)
		if !groupRule.IsZero() {
			t.StrategySource = groupRule
		}
	}
	if listed[scitokenscfg.Mapping] && len(is.MapRules) > 0 {
		t.Strategies = append(t.Strategies, inventory.StrategyMapping)
	}
	if t.Strategies == nil {
		t.Strategies = []inventory.Strategy{}
	}
	// Every valid token of the issuer gets the same rights, scope or not.
	if db != nil {
		if r, ok := db.Granting('o', t.Issuer); ok {
			t.Strategies = append(t.Strategies, inventory.StrategyIssuerWide)
			t.StrategySource = r.Source
			t.WideGrant = "the rights of the acc.authdb organisation rule at " + r.Source.String() + " (" + grants(r) + ")"
		}
	}
	if listed[scitokenscfg.Mapping] {
		for _, rule := range is.MapRules {
			if rule.Sub == "" && rule.Group == "" && rule.Path == "" && rule.Username == "" && rule.Result != "" {
				t.Strategies = append(t.Strategies, inventory.StrategyIssuerWide)
				t.StrategySource = is.NameMapfile.Source
				t.WideGrant = "the acc.authdb rights of " + rule.Result + " (a name_mapfile rule without sub or group maps every token to it)"
				break
			}
		}
	}
	// The name a scope-authorized request gets stays on the client's
	// connection (XrdAccSciTokens::Access adds request.name to the
	// connection's entity and XrdHttp never clears it): later requests on
	// that connection without a token, or with a rejected one, reach
	// acc.authdb under that name.
	if db != nil && is.DefaultUser.Value != "" && !t.SubjectMapped {
		if r, ok := db.Granting('u', is.DefaultUser.Value); ok {
			t.CarriedAccount, t.CarriedSource = is.DefaultUser.Value, r.Source
		}
	}
	return t
}

// groupConsumer reports whether anything turns the token's groups into
// access: an authdb group rule (g, or a compound identity with g: and no
// other organisation than the issuer's) or a name_mapfile group rule.
func groupConsumer(is scitokenscfg.Issuer, db *xrdauthdb.DB) (inventory.Source, bool) {
	for _, rule := range is.MapRules {
		if rule.Group != "" {
			return is.NameMapfile.Source, true
		}
	}
	if db == nil {
		return inventory.Source{}, false
	}
	for _, r := range db.Rules {
		if r.Type == 'g' && r.Positive() {
			return r.Source, true
		}
	}
	x := db.Compound(func(spec map[string]string) bool {
		org, ok := spec["o"]
		return spec["g"] != "" && (!ok || org == is.Issuer.Value)
	})
	if len(x) > 0 {
		return x[0].Source, true
	}
	return inventory.Source{}, false
}

// readAuthdb reads the acc.authdb the config names; nil when there is
// none or it cannot be read (a problem then says so).
func readAuthdb(h readers.Host, svc *inventory.Service) *xrdauthdb.DB {
	s, ok := svc.Setting("acc.authdb")
	if !ok || len(s.Values) == 0 {
		return nil
	}
	file := s.Values[0]
	data, err := h.FS.ReadFile(file)
	if err != nil {
		svc.Problems = append(svc.Problems, inventory.Problem{Source: s.Source, Reason: "cannot read acc.authdb " + file + ": " + plainErr(err)})
		return nil
	}
	svc.ConfigFiles = append(svc.ConfigFiles, file)
	db := xrdauthdb.Parse(file, data)
	svc.Problems = append(svc.Problems, db.Problems...)
	return db
}

func plainErr(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return err.Error()
}

// grants renders a rule's path/privilege pairs.
func grants(r xrdauthdb.Rule) string {
	var parts []string
	for _, g := range r.Grants {
		parts = append(parts, g.Path+" "+g.Privs)
	}
	return strings.Join(parts, ", ")
}

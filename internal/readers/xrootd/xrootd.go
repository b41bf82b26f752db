// Package xrootd reads XRootD services: every /etc/xrootd/*.cfg instance,
// the SciTokens plugin's config and the acc.authdb, into the inventory.
// The adapter works on parsed configs so that EOS, whose MGM uses the same
// language and plugin, can reuse it.
package xrootd

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/scitokenscfg"
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
		return nil, err
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
		cfg := xrootdcfg.Parse(h.FS, file, xrootdcfg.Options{Host: h.Name, Instance: inst, Program: "xrootd"})
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
func iniLike(h readers.Host, file string) bool {
	data, err := h.FS.ReadFile(file)
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
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

// traceKeys accumulate across repeated directives: options apply in order
// and a later "-x" undoes an earlier "x".
var traceKeys = map[string]bool{"xrootd.trace": true, "http.trace": true, "scitokens.trace": true, "ofs.trace": true, "macaroons.trace": true}

// repeatedKeys keep one setting per directive.
var repeatedKeys = map[string]bool{"http.header2cgi": true, "ofs.authlib": true, "sec.protocol": true, "mgmofs.macaroonslib": true}

// lastKeys keep the last directive's values.
var lastKeys = map[string]bool{"all.role": true, "ofs.authorize": true, "acc.authdb": true, "pss.origin": true, "ofs.osslib": true, "all.export": true}

// Adapt turns a parsed xrootd-language config into a service.
func Adapt(h readers.Host, service, instance string, cfg *xrootdcfg.Config) inventory.Service {
	svc := inventory.Service{Name: service, Instance: instance, ConfigFiles: append([]string{}, cfg.Files...), Problems: append([]inventory.Problem{}, cfg.Problems...)}
	traceAt := map[string]int{}
	lastAt := map[string]int{}
	for _, d := range cfg.Directives {
		switch {
		case traceKeys[d.Name]:
			if i, ok := traceAt[d.Name]; ok {
				svc.Settings[i].Values = append(svc.Settings[i].Values, d.Args...)
				svc.Settings[i].Source = d.Source
				continue
			}
			traceAt[d.Name] = len(svc.Settings)
			svc.Settings = append(svc.Settings, inventory.Setting{Key: d.Name, Values: append([]string{}, d.Args...), Source: d.Source})
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
	st := scitokenscfg.Interpret(ini, h.FS.ReadFile)
	svc.Problems = append(svc.Problems, st.Problems...)
	svc.Settings = append(svc.Settings, inventory.Setting{Key: "scitokens.onmissing", Values: []string{st.OnMissing}, Source: st.OnMissingSource})
	rights := authdbUsers(h, &svc)
	audSrc := st.AudienceSource
	if audSrc.IsZero() {
		audSrc = inventory.Source{File: stPath}
	}
	for _, is := range st.Issuers {
		t := inventory.Trust{
			Service: service, Instance: instance, Name: is.Name, Issuer: is.Issuer.Value, AnySubject: true,
			Audiences: append([]string{}, st.Audiences...), AudienceChecked: len(st.Audiences) > 0, AudienceSource: audSrc,
			StrategySource: is.StrategySource, BasePaths: is.BasePaths, RestrictedPaths: is.RestrictedPaths,
			PathSource: is.BasePathSource, Source: is.Issuer.Source,
			Account: is.DefaultUser.Value, AccountSource: is.DefaultUser.Source,
			SubjectMapped: is.MapSubject || is.UsernameClaim.Value != "", MapFile: is.NameMapfile.Value,
		}
		if t.SubjectMapped && is.UsernameClaim.Value == "" {
			t.AccountSource = is.MapSubjectSource
		}
		for _, s := range is.Strategies {
			t.Strategies = append(t.Strategies, inventory.Strategy(s))
		}
		// A fixed account that acc.authdb gives rights, reached through the
		// mapping strategy, is every token of the issuer getting the same
		// rights whatever its scopes.
		if t.HasStrategy(inventory.StrategyMapping) && t.Account != "" && !t.SubjectMapped && t.MapFile == "" && (rights[t.Account] || rights["*"]) {
			t.Strategies = append(t.Strategies, inventory.StrategyIssuerWide)
		}
		svc.Trusts = append(svc.Trusts, t)
	}
	return svc
}

// authdbUsers reads the acc.authdb and returns the user names ("u" rules)
// granted any privilege. Only what the issuer-wide judgement needs.
func authdbUsers(h readers.Host, svc *inventory.Service) map[string]bool {
	users := map[string]bool{}
	s, ok := svc.Setting("acc.authdb")
	if !ok || len(s.Values) == 0 {
		return users
	}
	file := s.Values[0]
	data, err := h.FS.ReadFile(file)
	if err != nil {
		svc.Problems = append(svc.Problems, inventory.Problem{Source: s.Source, Reason: "cannot read acc.authdb " + file + ": " + plainErr(err)})
		return users
	}
	svc.ConfigFiles = append(svc.ConfigFiles, file)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "u" {
			continue
		}
		// u name path privs [path privs ...]: any privilege other than a
		// pure negation counts.
		for i := 3; i < len(f); i += 2 {
			if p := f[i]; p != "" && !strings.HasPrefix(p, "-") {
				users[f[1]] = true
			}
		}
	}
	return users
}

func plainErr(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return err.Error()
}

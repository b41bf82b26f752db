package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// logTokenLeak flags trace settings at a level that writes bearer tokens
// into the service's log (https://github.com/xrootd/xrootd/issues/2222):
// whoever reads the log can replay them. The leaking settings and levels
// come from the recipes, per service.
var logTokenLeak = Check{
	ID: "log-token-leak",
	Run: func(in *Input, svc inventory.Service) []Result {
		rs, ok := in.Recipes.Services[svc.Name]
		if !ok {
			return nil
		}
		redirects, _ := redirecting(svc, rs)
		// One finding per setting line: the leaking levels of every rule
		// that applies to the installed release, with what bounds them.
		type hit struct {
			active, leaking []string
			release         *release
			why, notes      []string
		}
		hits := map[inventory.Source]*hit{}
		var order []inventory.Setting
		var out []Result
		for _, leak := range rs.LogLeaks {
			leaking := leak.Values
			if redirects {
				leaking = append(append([]string{}, leak.Values...), leak.RedirectingValues...)
			}
			if len(leaking) == 0 && leak.Setting != "" {
				continue
			}
			var rel *release
			component := leak.Component
			if component == "" {
				component = svc.Name
			}
			if r, ok := releaseOf(in, svc, component); ok {
				rel = &r
			}
			if !leakApplies(leak, rel) {
				continue
			}
			if len(leak.UnlessWord) == 2 {
				if u, ok := svc.Setting(leak.UnlessWord[0]); ok && containsFold(u.Values, leak.UnlessWord[1]) {
					continue
				}
			}
			// A leak no setting controls: the service logs tokens as
			// soon as it accepts them.
			if leak.Setting == "" {
				if svc.TokensEnabled && !svc.TokensSource.IsZero() {
					out = append(out, builtinLeak(leak, rel, svc))
				}
				continue
			}

			for _, s := range svc.Settings {
				if s.Key != leak.Setting {
					continue
				}
				active := activeLevels(s.Values, leaking)
				if len(active) == 0 {
					continue
				}
				h, seen := hits[s.Source]
				if !seen {
					h = &hit{}
					hits[s.Source] = h
					order = append(order, s)
				}
				h.active = appendNew(h.active, active...)
				h.leaking = appendNew(h.leaking, leaking...)
				if w := leakBounds(leak, rel, active); w != "" {
					h.release = rel
					h.why = appendNew(h.why, w)
				}
				if n := strings.TrimSpace(leak.Note); n != "" {
					h.notes = appendNew(h.notes, n)
				}
			}
		}
		for _, s := range order {
			h := hits[s.Source]
			sort.Strings(h.active)
			msg := fmt.Sprintf("%s sets %s %s; trace level %s writes bearer tokens into the log", svc.Label(), s.Key, strings.Join(s.Values, " "), strings.Join(h.active, ", "))
			if h.release != nil {
				h.why = append([]string{h.release.String()}, h.why...)
			}
			h.why = append(h.why, h.notes...)
			if len(h.why) > 0 {
				msg += " (" + strings.Join(h.why, "; ") + ")"
			}
			out = append(out, Result{
				Edits:    quieter(svc, s, h.leaking),
				Source:   s.Source,
				Key:      s.Key,
				Values:   vals("key", s.Key, "values", strings.Join(s.Values, " "), "levels", strings.Join(h.active, ", ")),
				Message:  msg,
				Expected: s.Key + " without " + strings.Join(h.leaking, ", "),
				Actual:   s.Key + " " + strings.Join(s.Values, " "),
			})
		}
		return out
	},
}

// builtinLeak is the finding of a leak no setting controls, at the line
// that turns tokens on.
func builtinLeak(leak recipes.LogLeak, rel *release, svc inventory.Service) Result {
	msg := fmt.Sprintf("%s: %s", svc.Label(), strings.TrimSpace(leak.Note))
	if rel != nil {
		msg += fmt.Sprintf(" (%s; every release from %s on)", rel, leak.From)
	}
	// Low: only tokens that fail authorization are logged, mostly
	// expired or mis-scoped ones (though still valid elsewhere), and no
	// setting changes it: a note to protect the log, not a deviation.
	return Result{
		Severity: sev(vocab.Low),
		Source:   svc.TokensSource,
		Key:      "builtin:" + svc.Name,
		Message:  msg,
		Expected: "a service that does not log bearer tokens",
		Actual:   "tokens accepted at " + svc.TokensSource.String(),
		FixCase:  "builtin",
	}
}

// leakBounds says which releases leak at the active levels, for the
// message: "debug is redacted from 5.7.0 on".
func leakBounds(leak recipes.LogLeak, r *release, active []string) string {
	if r == nil || (leak.Before == "" && leak.From == "") {
		return ""
	}
	levels := strings.Join(active, ", ")
	var msg string
	switch {
	case leak.Before != "" && leak.From != "":
		msg = fmt.Sprintf("%s leaks in releases from %s before %s", levels, leak.From, leak.Before)
	case leak.Before != "":
		msg = fmt.Sprintf("%s is redacted from %s on", levels, leak.Before)
	default:
		msg = fmt.Sprintf("%s leaks again from %s on", levels, leak.From)
	}
	if len(leak.UnlessWord) == 2 {
		msg += fmt.Sprintf(" unless %s has %s", leak.UnlessWord[0], leak.UnlessWord[1])
	}
	return msg
}

// appendNew appends the values not yet in list.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// activeLevels evaluates trace options the way XRootD's trace directives
// do (XrdXrootdProtocol::xtrace, XrdHttpProtocol::xtrace,
// https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdHttp/XrdHttpProtocol.cc#L2870-L2910):
// options apply in order, compared exactly (strcmp: "DEBUG" is no
// option); "off" clears everything, "-x" removes x ("-all" everything),
// "all" turns on every level. Any other word, "none" included, is an
// invalid option the directive ignores. Readers hand over the values as
// the service takes them (dCache's levels lower-cased, ARC's names as the
// numbers arcconfig-parser makes of them). It returns the leaking levels
// in effect.
func activeLevels(values, leaking []string) []string {
	on := map[string]bool{}
	neg := map[string]bool{}
	all := false
	for _, v := range values {
		switch {
		case v == "off" || v == "-all":
			on, neg, all = map[string]bool{}, map[string]bool{}, false
		case v == "all":
			all, neg = true, map[string]bool{}
		case len(v) > 1 && v[0] == '-':
			x := v[1:]
			on[x], neg[x] = false, true
		default:
			on[v], neg[v] = true, false
		}
	}
	var active []string
	for _, l := range leaking {
		if on[l] || (all && !neg[l]) || (l == "all" && all) {
			active = append(active, l)
		}
	}
	sort.Strings(active)
	return active
}

// quieter turns a leaking log setting off: the trace directive without
// its leaking levels, or removed when nothing else is left (XRootD,
// EOS; only when the line alone sets every value); [arex] loglevel = 3,
// INFO (ARC); the dCache log-level line removed (the default, info,
// applies).
func quieter(svc inventory.Service, s inventory.Setting, leaking []string) []finding.Edit {
	text, ok := recorded(svc, s.Source)
	if !ok {
		return nil
	}
	var line []string
	switch svc.Name {
	case "xrootd", "eos":
		f := strings.Fields(text)
		if len(f) < 2 || f[0] != s.Key || !slices.Equal(f[1:], s.Values) {
			return nil
		}
		var kept []string
		for _, v := range f[1:] {
			if strings.EqualFold(v, "all") || strings.HasPrefix(v, "-") {
				kept = nil
				break
			}
			if !containsFold(leaking, v) {
				kept = append(kept, v)
			}
		}
		if len(kept) > 0 {
			line = []string{s.Key + " " + strings.Join(kept, " ")}
		}
	case "arc-ce":
		line = []string{withValue(text, "=", "3")}
	case "dcache":
	default:
		return nil
	}
	e, _ := replaceLine(svc, s.Source, line...)
	return []finding.Edit{e}
}

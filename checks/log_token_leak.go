package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
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
		var out []Result
		for _, leak := range rs.LogLeaks {
			leaking := leak.Values
			if redirects {
				leaking = append(append([]string{}, leak.Values...), leak.RedirectingValues...)
			}
			for _, s := range svc.Settings {
				if s.Key != leak.Setting {
					continue
				}
				active := activeLevels(s.Values, leaking)
				if len(active) == 0 {
					continue
				}
				msg := fmt.Sprintf("%s sets %s %s; trace level %s writes bearer tokens into the log", svc.Label(), s.Key, strings.Join(s.Values, " "), strings.Join(active, ", "))
				if leak.Note != "" {
					msg += " (" + strings.TrimSpace(leak.Note) + ")"
				}
				out = append(out, Result{
					Source:   s.Source,
					Key:      s.Key,
					Message:  msg,
					Expected: s.Key + " without " + strings.Join(leaking, ", "),
					Actual:   s.Key + " " + strings.Join(s.Values, " "),
				})
			}
		}
		return out
	},
}

// activeLevels evaluates trace options the way XRootD's trace directives
// do: options apply in order, "-x" removes x, "all" turns on everything,
// "off"/"none" clear everything. It returns the leaking levels in effect.
func activeLevels(values, leaking []string) []string {
	on := map[string]bool{}
	neg := map[string]bool{}
	all := false
	for _, v := range values {
		v = strings.ToLower(strings.TrimSpace(v))
		switch {
		case v == "off" || v == "none" || v == "-all":
			on, neg, all = map[string]bool{}, map[string]bool{}, false
		case v == "all":
			all, neg = true, map[string]bool{}
		case strings.HasPrefix(v, "-"):
			x := strings.TrimPrefix(v, "-")
			on[x], neg[x] = false, true
		default:
			on[v], neg[v] = true, false
		}
	}
	var active []string
	for _, l := range leaking {
		l = strings.ToLower(l)
		if on[l] || (all && !neg[l]) || (l == "all" && all) {
			active = append(active, l)
		}
	}
	sort.Strings(active)
	return active
}

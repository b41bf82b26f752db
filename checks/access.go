package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

func scopeUnchecked(_ *Input, svc inventory.Service) []Result {
	v, ok := svc.Setting("arc.version")
	if !ok || len(v.Values) == 0 || v.Values[0] != "7" || !svc.TokensEnabled {
		return nil
	}
	if _, ok := svc.Setting("arex.tokenscopes"); ok {
		return nil
	}
	return []Result{{
		Source:   svc.TokensSource,
		Key:      "tokenscopes",
		Message:  fmt.Sprintf("%s (ARC 7) has no tokenscopes in [arex]: \"no assigned scopes means no limitation\", so every admitted token may create, cancel and read every job of its account", svc.Label()),
		Expected: "tokenscopes = wlcg in [arex]",
		Actual:   "no tokenscopes",
	}}
}

func danglingReference(_ *Input, svc inventory.Service) []Result {
	var out []Result
	for _, r := range svc.Dangling {
		msg := fmt.Sprintf("%s refers to %s, which is not defined: the rule silently matches nobody", svc.Label(), r.Name)
		if r.Note != "" {
			msg += " (" + r.Note + ")"
		}
		out = append(out, Result{
			Source:   r.Source,
			Key:      "dangling:" + r.Name,
			Message:  msg,
			Expected: r.Name + " defined",
			Actual:   "undefined",
		})
	}
	return out
}

func legacyConfig(_ *Input, svc inventory.Service) []Result {
	var out []Result
	for _, l := range svc.Legacy {
		if l.Kind != "config" {
			continue
		}
		out = append(out, Result{
			Source:   l.Source,
			Key:      "legacy:" + l.What,
			Message:  fmt.Sprintf("%s: %s", svc.Label(), l.What),
			Expected: "configuration of the running release only",
			Actual:   l.What,
		})
	}
	return out
}

// accessOpen reads the job interface's and queues' access statements
// (`<block>.access`: allowaccess:/denyaccess: in order) and the authgroups
// that admit everybody (`authgroup.all`).
func accessOpen(_ *Input, svc inventory.Service) []Result {
	var all []string
	if s, ok := svc.Setting("authgroup.all"); ok {
		all = s.Values
	}
	var out []Result
	for _, s := range svc.Settings {
		if s.Key == "open-access" {
			out = append(out, Result{
				Source:   s.Source,
				Key:      "open:" + strings.Join(s.Values, " "),
				Message:  fmt.Sprintf("%s: %s", svc.Label(), strings.Join(s.Values, " ")),
				Expected: "write and delete only for identified VO members or scoped tokens; no anonymous access to a VO area",
				Actual:   strings.Join(s.Values, " "),
			})
			continue
		}
		block, ok := strings.CutSuffix(s.Key, ".access")
		if !ok {
			continue
		}
		if block == "arex/ws/jobs" && len(s.Values) == 0 && svc.TokensEnabled {
			out = append(out, Result{
				Source:   s.Source,
				Key:      "open:" + block,
				Message:  fmt.Sprintf("%s: [%s] has no allowaccess: \"no additional restrictions are applied … the interface is open to everybody authenticated\", including any token whose issuer publishes keys", svc.Label(), block),
				Expected: "allowaccess naming the authgroups of pinned pilot subjects",
				Actual:   "no allowaccess or denyaccess",
			})
			continue
		}
		for _, st := range s.Values {
			if g, ok := strings.CutPrefix(st, "allowaccess:"); ok && slices.Contains(all, g) {
				out = append(out, Result{
					Source:   s.Source,
					Key:      "all:" + block + ":" + g,
					Message:  fmt.Sprintf("%s: [%s] admits authgroup %s, which has `all = yes` and so matches every authenticated identity", svc.Label(), block, g),
					Expected: "authgroups with token or subject rules",
					Actual:   "allowaccess = " + g,
				})
			}
		}
	}
	return out
}

func unknownKey(_ *Input, svc inventory.Service) []Result {
	var out []Result
	for _, u := range svc.UnknownKeys {
		r := Result{
			Source:   u.Source,
			Key:      "unknown:" + u.Key,
			Message:  fmt.Sprintf("%s does not know %q and silently ignores it", svc.Label(), u.Key),
			Expected: "a key the service reads",
			Actual:   u.Key,
		}
		if u.Nearest != "" {
			r.Message += fmt.Sprintf("; did you mean %q? Until fixed, %s keeps its default", u.Nearest, u.Nearest)
			r.Expected = u.Nearest
		}
		out = append(out, r)
	}
	return out
}

// maxTokenLifetime is the WLCG profile's default maximum access-token
// lifetime (§4.3.1: 6 hours).
const maxTokenLifetime = 6 * 3600

func tokenLifetimeLong(_ *Input, svc inventory.Service) []Result {
	var out []Result
	if s, ok := svc.Setting("token.max-lifetime-seconds"); ok && len(s.Values) > 0 {
		var secs int
		fmt.Sscan(s.Values[0], &secs)
		if secs > maxTokenLifetime {
			out = append(out, Result{
				Source:   s.Source,
				Key:      "max-lifetime",
				Message:  fmt.Sprintf("%s issues tokens valid for up to %d h, beyond the WLCG profile's 6-hour maximum", svc.Label(), secs/3600),
				Expected: "at most 21600 seconds (6 h); 1 h recommended",
				Actual:   s.Values[0] + " seconds",
			})
		}
	}
	for _, s := range svc.Settings {
		if s.Key != "sec.protocol" || len(s.Values) == 0 || !strings.Contains(s.Values[0], "ztn") {
			continue
		}
		for i, v := range s.Values {
			if v == "-expiry" && i+1 < len(s.Values) && (s.Values[i+1] == "ignore" || s.Values[i+1] == "optional") {
				out = append(out, Result{
					Source:   s.Source,
					Key:      "ztn-expiry",
					Message:  fmt.Sprintf("%s: sec.protocol ztn -expiry %s accepts tokens without an expiry, valid forever (note: XrdSecProtocolztn.cc parses -expiry in a way that looks inverted; the setting's intent is judged)", svc.Label(), s.Values[i+1]),
					Expected: "-expiry required (the default)",
					Actual:   "-expiry " + s.Values[i+1],
				})
			}
		}
	}
	return out
}

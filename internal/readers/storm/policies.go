package storm

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// policy is one entry of storm.authz.policies.
type policy struct {
	sa, effect, description string
	actions, paths          []string
	principals              []principal
	src                     inventory.Source
}

// principal is one entry of a policy's principals.
type principal struct {
	kind   string
	params map[string]string
}

// readPolicies reads storm.authz.policies in order.
func readPolicies(list *yaml.Node, env *resolver, at func(*yaml.Node) inventory.Source) []policy {
	var out []policy
	for _, p := range list.Content {
		pol := policy{src: at(p)}
		str := func(key string) string {
			if n := lookup(p, key); n != nil {
				return env.resolve(n.Value, at(n))
			}
			return ""
		}
		strs := func(key string) []string {
			var v []string
			if n := lookup(p, key); n != nil {
				for _, c := range n.Content {
					v = append(v, env.resolve(c.Value, at(c)))
				}
			}
			return v
		}
		pol.sa, pol.effect, pol.description = str("sa"), str("effect"), str("description")
		pol.actions, pol.paths = strs("actions"), strs("paths")
		if n := lookup(p, "principals"); n != nil {
			for _, pr := range n.Content {
				x := principal{params: map[string]string{}}
				if t := lookup(pr, "type"); t != nil {
					x.kind = t.Value
				}
				if ps := lookup(pr, "params"); ps != nil && ps.Kind == yaml.MappingNode {
					for i := 0; i+1 < len(ps.Content); i += 2 {
						x.params[ps.Content[i].Value] = env.resolve(ps.Content[i+1].Value, at(ps.Content[i+1]))
					}
				}
				pol.principals = append(pol.principals, x)
			}
		}
		out = append(out, pol)
	}
	return out
}

// saBan is a ban with the storage area its policy is for.
type saBan struct {
	inventory.Ban
	sa string
}

// relation is how much of one set another covers.
type relation int

const (
	disjoint relation = iota
	overlap
	covers
)

func min3(a, b, c relation) relation { return min(a, b, c) }

// policyBans returns, for every deny policy, a ban and the earlier permit
// policy that already decides some of the requests it denies. StoRM WebDAV
// applies the first policy that applies to a request
// (DefaultPathAuthorizationPdp.authorizeRequest in
// https://github.com/italiangrid/storm-webdav/blob/master/src/main/java/org/italiangrid/storm/webdav/authz/pdp/DefaultPathAuthorizationPdp.java:
// policies.stream().filter(appliesToRequest).findFirst()), so a deny after
// a permit for the same requests never applies to them.
func policyBans(policies []policy) []saBan {
	var bans []saBan
	for i, d := range policies {
		// A deny for a VO, a group or everyone after the permits is the
		// usual "deny the rest"; a ban names identities.
		if d.effect != "deny" || !bansIdentities(d) {
			continue
		}
		b := inventory.Ban{Identity: fmt.Sprintf("deny policy %q (%s)", d.description, principalsText(d.principals)), Source: d.src}
		for _, p := range policies[:i] {
			if p.effect != "permit" {
				continue
			}
			rel := min3(saRelation(p.sa, d.sa), actionRelation(p.actions, d.actions), pathRelation(p.paths, d.paths))
			prel, who := principalRelation(p.principals, d.principals)
			rel = min(rel, prel)
			if rel == disjoint {
				continue
			}
			b.ShadowedBy, b.Partly = p.src, rel != covers
			paths := d.paths
			if len(paths) == 0 || pathRelation(d.paths, p.paths) == covers {
				paths = p.paths
			}
			b.SlipsThrough = fmt.Sprintf("%s doing %s on %s", who, strings.Join(sharedActions(p.actions, d.actions), "/"), pathText(d.sa, paths))
			break
		}
		bans = append(bans, saBan{Ban: b, sa: d.sa})
	}
	return bans
}

func saRelation(permit, deny string) relation {
	switch {
	case permit == "" || permit == deny:
		return covers
	case deny == "":
		return overlap
	}
	return disjoint
}

// actionRelation compares action lists; "all" is every action.
func actionRelation(permit, deny []string) relation {
	has := func(list []string, a string) bool { return slices.Contains(list, "all") || slices.Contains(list, a) }
	if len(sharedActions(permit, deny)) == 0 {
		return disjoint
	}
	for _, a := range expand(deny) {
		if !has(permit, a) {
			return overlap
		}
	}
	return covers
}

var allActions = []string{"list", "read", "write", "delete"}

func expand(actions []string) []string {
	if slices.Contains(actions, "all") {
		return allActions
	}
	return actions
}

func sharedActions(a, b []string) []string {
	var out []string
	for _, x := range expand(b) {
		if slices.Contains(expand(a), x) {
			out = append(out, x)
		}
	}
	return out
}

// pathRelation compares path lists; none means the whole storage area,
// and "/dir/**" every path below /dir.
func pathRelation(permit, deny []string) relation {
	if len(permit) == 0 {
		return covers
	}
	if len(deny) == 0 {
		return overlap
	}
	best := disjoint
	for _, d := range deny {
		for _, p := range permit {
			pp, dp := prefix(p), prefix(d)
			switch {
			case under(dp, pp):
				return covers
			case under(pp, dp):
				best = overlap
			}
		}
	}
	return best
}

func prefix(p string) string {
	p = strings.TrimSuffix(strings.TrimSuffix(p, "**"), "*")
	return strings.TrimSuffix(p, "/")
}

func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

func pathText(sa string, paths []string) string {
	where := "every path"
	if len(paths) > 0 {
		where = strings.Join(paths, ", ")
	}
	if sa != "" {
		where += " of storage area " + sa
	}
	return where
}

// principalRelation says how much of the deny policy's principals the
// permit policy's principals cover, and names one identity both admit.
func principalRelation(permit, deny []principal) (relation, string) {
	best, who := disjoint, ""
	for _, d := range deny {
		for _, p := range permit {
			if r := principalCovers(p, d); r > best {
				best, who = r, identityText(d)
			}
		}
	}
	return best, who
}

// principalCovers compares one permit principal with one deny principal.
func principalCovers(p, d principal) relation {
	jwt := strings.HasPrefix(d.kind, "jwt-")
	sameIss := p.params["iss"] != "" && p.params["iss"] == d.params["iss"]
	switch p.kind {
	case "anyone":
		return covers
	case "any-authenticated-user":
		if d.kind == "anonymous" {
			return disjoint
		}
		return covers
	case "jwt-issuer":
		if jwt && sameIss {
			return covers
		}
	case "jwt-subject", "jwt-group", "jwt-scope":
		if !jwt || !sameIss {
			return disjoint
		}
		if p.kind == d.kind && mapsEqual(p.params, d.params) {
			return covers
		}
		if d.kind == "jwt-subject" || d.kind == "jwt-issuer" || p.kind != d.kind {
			// That subject may hold the group or scope, or be the subject.
			return overlap
		}
	default:
		if p.kind == d.kind && mapsEqual(p.params, d.params) {
			return covers
		}
	}
	return disjoint
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func identityText(p principal) string {
	switch p.kind {
	case "jwt-subject":
		return fmt.Sprintf("a token of %s with subject %s", p.params["iss"], p.params["sub"])
	case "jwt-group":
		return fmt.Sprintf("a token of %s in group %s", p.params["iss"], p.params["group"])
	case "jwt-scope":
		return fmt.Sprintf("a token of %s with scope %s", p.params["iss"], p.params["scope"])
	case "jwt-issuer":
		return "a token of " + p.params["iss"]
	case "anyone", "any-authenticated-user", "anonymous":
		return p.kind
	}
	return p.kind + " " + principalsText([]principal{p})
}

func principalsText(ps []principal) string {
	var parts []string
	for _, p := range ps {
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(p.params)) {
			kv = append(kv, k+"="+p.params[k])
		}
		if len(kv) == 0 {
			parts = append(parts, p.kind)
			continue
		}
		parts = append(parts, p.kind+" "+strings.Join(kv, " "))
	}
	return strings.Join(parts, "; ")
}

// bansIdentities reports whether a deny policy names identities (token
// subjects, certificate subjects) rather than a population.
func bansIdentities(d policy) bool {
	if len(d.principals) == 0 {
		return false
	}
	for _, p := range d.principals {
		if p.kind != "jwt-subject" && p.kind != "x509-subject" {
			return false
		}
	}
	return true
}

package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// audienceUnchecked flags trusts whose tokens are accepted whatever their
// audience: a token minted for any other service is then good here. On
// services where the audience is a per-rule constraint (ARC), one rule
// naming an audience counts as checking it.
var audienceUnchecked = Check{
	ID: "audience-unchecked",
	Run: func(in *Input, svc inventory.Service) []Result {
		if rs, ok := in.Recipes.Services[svc.Name]; ok && rs.AudienceByAnyRule {
			if slices.ContainsFunc(svc.Trusts, func(t inventory.Trust) bool { return t.AudienceChecked }) {
				return nil
			}
		}
		// One finding per file: every rule of it that lacks an audience is
		// one place of the same missing restriction, and the key does not
		// name the issuers, so adding one keeps the fingerprint.
		var out []Result
		index := map[string]int{}
		issuers := map[int][]string{}
		ifPresent := map[int]bool{}
		// What each result lists already, so that thousands of rules
		// cost thousands of steps, not millions.
		seenAlso := map[int]map[inventory.Source]bool{}
		seenIssuer := map[int]map[string]bool{}
		for _, g := range groupByAudience(svc) {
			if g.checked {
				continue
			}
			i, ok := index[g.source.File]
			if !ok {
				i = len(out)
				index[g.source.File] = i
				out = append(out, Result{
					Source:   g.source,
					Key:      "audience-unchecked",
					Expected: "an audience list naming this endpoint",
					Actual:   "no audience restriction",
				})
				ifPresent[i] = g.ifPresent
				seenAlso[i], seenIssuer[i] = map[inventory.Source]bool{g.source: true}, map[string]bool{}
			} else if !seenAlso[i][g.source] {
				seenAlso[i][g.source] = true
				out[i].Also = append(out[i].Also, g.source)
			}
			for _, iss := range g.issuers {
				if !seenIssuer[i][iss] {
					seenIssuer[i][iss] = true
					issuers[i] = append(issuers[i], iss)
				}
			}
		}
		for i := range out {
			out[i].Edits = audienceEdits(in, svc, append([]inventory.Source{out[i].Source}, out[i].Also...))
			out[i].Values = vals("values", strings.Join(issuers[i], ", "))
			if len(issuers[i]) == 1 {
				out[i].Values["issuer"] = issuers[i][0]
			}
			if ifPresent[i] {
				out[i].Message = fmt.Sprintf("%s does not require an audience of tokens from %s: a token that carries no aud claim, minted for whatever use, is accepted here (one whose aud names another service is still refused)", svc.Label(), strings.Join(issuers[i], ", "))
				out[i].Actual = "no audience list: tokens without aud accepted"
				continue
			}
			out[i].Message = fmt.Sprintf("%s does not restrict the audience of tokens from %s: a token minted for any other service is accepted here", svc.Label(), strings.Join(issuers[i], ", "))
		}
		return out
	},
}

// audienceEdits name this endpoint's audiences at the places that lack
// them: [Global] audience (XRootD, EOS), the audience targets and no
// -suppress=audience (dCache), the issuer's audience check (StoRM), the
// audience field of each rule (ARC).
func audienceEdits(in *Input, svc inventory.Service, places []inventory.Source) []finding.Edit {
	h := in.reference(svc.Name)
	if h == nil || len(h.Audiences) == 0 {
		return nil
	}
	var edits []finding.Edit
	add := func(e finding.Edit, ok bool) {
		if ok {
			edits = append(edits, e)
		}
	}
	switch svc.Name {
	case "xrootd", "eos":
		src := places[0]
		line := "audience = " + strings.Join(h.Audiences, ", ")
		// The finding points at the audience line when there is one, else
		// at [Global] or the issuer's section, where one belongs.
		if text, ok := recorded(svc, src); ok && strings.HasPrefix(strings.ToLower(strings.TrimSpace(text)), "audience") {
			add(replaceLine(svc, src, withValue(text, "=", strings.Join(h.Audiences, ", "))))
		} else if g, ok := sectionNamed(svc, src.File, "Global"); ok {
			edits = append(edits, addToSection(g, line))
		} else if first, ok := firstSection(svc, src.File); ok {
			edits = append(edits, finding.Edit{File: first.File, Op: finding.EditInsertBefore, Line: first.Start, Old: first.Lines[:1], New: []string{"[Global]", line, ""}})
		}
	case "dcache":
		targets := slices.ContainsFunc(svc.Trusts, func(t inventory.Trust) bool { return t.AudienceChecked })
		for _, src := range places {
			text, ok := recorded(svc, src)
			if !ok || !strings.Contains(text, "gplazma.oidc.provider!") {
				continue
			}
			if strings.Contains(text, "-suppress=") {
				add(replaceLine(svc, src, withoutSuppress(text)))
			}
			if !targets {
				add(insertAfter(svc, src, "gplazma.oidc.audience-targets = "+strings.Join(h.Audiences, " ")))
				targets = true
			}
		}
	case "storm-webdav":
		for _, src := range places {
			text, ok := recorded(svc, src)
			if !ok || !strings.HasPrefix(strings.TrimSpace(text), "issuer:") {
				continue
			}
			in := indentOf(text)
			add(insertAfter(svc, src, in+"enforce-audience-checks: true", in+"audiences:", in+"- "+h.Audiences[0]))
		}
	case "arc-ce":
		for _, src := range places {
			text, ok := recorded(svc, src)
			if !ok {
				continue
			}
			if line := withARCAudience(text, h.Audiences[0]); line != text {
				add(replaceLine(svc, src, line))
			}
		}
	}
	return edits
}

// withoutSuppress drops "audience" from a provider's -suppress option.
func withoutSuppress(text string) string {
	for _, w := range quotedFields(text) {
		v, ok := strings.CutPrefix(w, "-suppress=")
		if !ok {
			continue
		}
		var kept []string
		for _, s := range strings.Split(strings.Trim(v, `"`), ",") {
			if s != "audience" && s != "" {
				kept = append(kept, s)
			}
		}
		if len(kept) == 0 {
			return strings.Replace(text, " "+w, "", 1)
		}
		return strings.Replace(text, w, "-suppress="+strings.Join(kept, ","), 1)
	}
	return text
}

// withARCAudience names the audience in an ARC rule: the third field of
// authtokens when it is *, an (aud="…") term in authtokensgen.
func withARCAudience(text, aud string) string {
	key, value, ok := strings.Cut(text, "=")
	if !ok {
		return text
	}
	switch strings.TrimSpace(key) {
	case "authtokens":
		f := strings.Fields(value)
		if len(f) == 5 && f[2] == "*" {
			f[2] = aud
			return key + "= " + strings.Join(f, " ")
		}
	case "authtokensgen":
		if !strings.Contains(value, "aud") {
			return strings.TrimRight(text, " ") + ` & (aud="` + aud + `")`
		}
	}
	return text
}

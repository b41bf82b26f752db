package checks

import (
	"slices"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/reference"
	"github.com/ttt-wg/ttt-check/recipes"
)

// Edits are built from what the reader recorded (inventory.Service.Lines
// and Sections): a check never reads a file. Each helper returns false
// when the reader did not record what the edit needs, or when the line
// goes on in the next one (a trailing backslash): then the finding keeps
// its advice and gets no mechanical fix.

// recorded returns the text of a recorded line that stands alone.
func recorded(svc inventory.Service, src inventory.Source) (string, bool) {
	text, ok := svc.Line(src)
	if !ok || strings.HasSuffix(strings.TrimRight(text, " \t\r"), "\\") {
		return "", false
	}
	return text, true
}

// replaceLine replaces the line at src with lines (none: removes it).
func replaceLine(svc inventory.Service, src inventory.Source, lines ...string) (finding.Edit, bool) {
	text, ok := recorded(svc, src)
	if !ok {
		return finding.Edit{}, false
	}
	return finding.Edit{File: src.File, Op: finding.EditReplace, Line: src.Line, Old: []string{text}, New: lines}, true
}

// insertAfter inserts lines after the line at src.
func insertAfter(svc inventory.Service, src inventory.Source, lines ...string) (finding.Edit, bool) {
	text, ok := recorded(svc, src)
	if !ok {
		return finding.Edit{}, false
	}
	return finding.Edit{File: src.File, Op: finding.EditInsertAfter, Line: src.Line, Old: []string{text}, New: lines}, true
}

// insertBefore inserts lines before the line at src.
func insertBefore(svc inventory.Service, src inventory.Source, lines ...string) (finding.Edit, bool) {
	text, ok := recorded(svc, src)
	if !ok {
		return finding.Edit{}, false
	}
	return finding.Edit{File: src.File, Op: finding.EditInsertBefore, Line: src.Line, Old: []string{text}, New: lines}, true
}

// appendLines adds lines at the end of file (created when absent).
func appendLines(file string, lines ...string) finding.Edit {
	return finding.Edit{File: file, Op: finding.EditAppend, New: lines}
}

// sectionOf returns the recorded section that holds the line at src.
func sectionOf(svc inventory.Service, src inventory.Source) (inventory.Section, bool) {
	for _, s := range svc.Sections {
		if s.Contains(src) {
			return s, true
		}
	}
	return inventory.Section{}, false
}

// sectionNamed returns the first recorded section of file with the name
// (compared as the services compare it, without regard to case).
func sectionNamed(svc inventory.Service, file, name string) (inventory.Section, bool) {
	for _, s := range svc.Sections {
		if s.File == file && strings.EqualFold(strings.Join(strings.Fields(s.Name), " "), name) {
			return s, true
		}
	}
	return inventory.Section{}, false
}

// firstSection returns the first recorded section of file.
func firstSection(svc inventory.Service, file string) (inventory.Section, bool) {
	for _, s := range svc.Sections {
		if s.File == file {
			return s, true
		}
	}
	return inventory.Section{}, false
}

// removeSection removes a section from its header to its last line that
// holds something, and the blank lines after it: comments before the
// next section stay with it.
func removeSection(s inventory.Section) finding.Edit {
	n := s.End() - s.Start + 1
	for n < len(s.Lines) && strings.TrimSpace(s.Lines[n]) == "" {
		n++
	}
	return finding.Edit{File: s.File, Op: finding.EditReplace, Line: s.Start, Old: slices.Clone(s.Lines[:n])}
}

// addToSection adds lines after the section's last line that holds
// something.
func addToSection(s inventory.Section, lines ...string) finding.Edit {
	end := s.End()
	return finding.Edit{File: s.File, Op: finding.EditInsertAfter, Line: end, Old: []string{s.Lines[end-s.Start]}, New: lines}
}

// sectionKey finds a "key = value" line of a section (keys compare
// without regard to case, as inih does).
func sectionKey(s inventory.Section, key string) (inventory.Source, string, bool) {
	for i, l := range s.Lines[1:] {
		k, _, ok := strings.Cut(l, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return inventory.Source{File: s.File, Line: s.Start + 1 + i}, l, true
		}
	}
	return inventory.Source{}, "", false
}

// withValue writes a new value into a "key = value" (or "key: value")
// line, keeping the key, the indentation and the spacing around the sign.
func withValue(text, sign, value string) string {
	i := strings.Index(text, sign)
	if i < 0 {
		return text
	}
	rest := text[i+len(sign):]
	space := rest[:len(rest)-len(strings.TrimLeft(rest, " \t"))]
	if space == "" && sign != "=" {
		space = " "
	}
	return text[:i+len(sign)] + space + value
}

// valueOf is the value of a "key = value" line.
func valueOf(text, sign string) string {
	_, v, _ := strings.Cut(text, sign)
	return strings.TrimSpace(v)
}

// indentOf is a line's leading blanks.
func indentOf(text string) string {
	return text[:len(text)-len(strings.TrimLeft(text, " \t"))]
}

// voOf returns the VO of an issuer (current or retired) and its
// reference values on the service; false for an issuer no VO has.
func voOf(in *Input, svc inventory.Service, issuer string) (*recipes.VO, reference.VO, bool) {
	vo, ok := in.Recipes.VOByIssuer(issuer)
	if !ok {
		vo, ok = in.Recipes.VOByLegacyIssuer(issuer)
	}
	if !ok {
		return nil, reference.VO{}, false
	}
	h := in.reference(svc.Name)
	if h == nil {
		return nil, reference.VO{}, false
	}
	v, err := h.VO(vo)
	if err != nil {
		return nil, reference.VO{}, false
	}
	return vo, v, true
}

// supported reports whether a trust of the VO may be written on this
// host without raising another finding: the site profile lists the VO
// (or lists none), and it is no development VO on production.
func supported(in *Input, vo *recipes.VO) bool {
	if vo == nil {
		return false
	}
	if vo.Purpose == "development" && in.Profile.Environment == "production" {
		return false
	}
	return !in.Profile.VOsStated || slices.Contains(in.Profile.VOs, vo.Name)
}

// trusted reports whether the service already trusts the issuer in a
// trust other than t.
func trusted(svc inventory.Service, t inventory.Trust, issuer string) bool {
	return slices.ContainsFunc(svc.Trusts, func(o inventory.Trust) bool { return o.Issuer == issuer && o.Source != t.Source })
}

// sciTokensService reports the services whose trusts are [Issuer]
// sections of XRootD's SciTokens plugin configuration.
func sciTokensService(svc inventory.Service) bool {
	return svc.Name == "xrootd" || svc.Name == "eos"
}

// issuerSection is the [Issuer …] section of a SciTokens trust.
func issuerSection(svc inventory.Service, t inventory.Trust) (inventory.Section, bool) {
	if !sciTokensService(svc) {
		return inventory.Section{}, false
	}
	return sectionOf(svc, t.Source)
}

// dropTrust removes a trust from the service's files: the [Issuer]
// section (XRootD, EOS), the SCITOKENS line (HTCondor-CE), the provider
// line and the op: line that maps it (dCache). Other services' trusts
// span several files or blocks: no mechanical removal.
func dropTrust(svc inventory.Service, t inventory.Trust) []finding.Edit {
	switch svc.Name {
	case "xrootd", "eos":
		if s, ok := issuerSection(svc, t); ok {
			return []finding.Edit{removeSection(s)}
		}
	case "htcondor-ce":
		if e, ok := replaceLine(svc, t.Source); ok {
			return []finding.Edit{e}
		}
	case "dcache":
		e, ok := replaceLine(svc, t.Source)
		if !ok {
			return nil
		}
		edits := []finding.Edit{e}
		if t.StrategySource != t.Source {
			if text, ok := recorded(svc, t.StrategySource); ok && strings.HasPrefix(strings.TrimSpace(text), "op:"+label(t)) {
				op, _ := replaceLine(svc, t.StrategySource)
				edits = append(edits, op)
			}
		}
		return edits
	}
	return nil
}

// withIssuer points a trust at another issuer: the issuer line of the
// section, the HTCondor-CE pattern (pattern: the anchored one to write),
// the provider's URL, the issuer in an ARC rule.
func withIssuer(svc inventory.Service, t inventory.Trust, issuer, pattern string) []finding.Edit {
	text, ok := recorded(svc, t.Source)
	if !ok {
		return nil
	}
	var line string
	switch svc.Name {
	case "xrootd", "eos":
		line = withValue(text, "=", issuer)
	case "htcondor-ce":
		f := strings.Fields(text)
		if len(f) != 3 || pattern == "" {
			return nil
		}
		line = f[0] + " " + pattern + " " + f[2]
	case "dcache", "arc-ce":
		if !strings.Contains(text, t.Issuer) {
			return nil
		}
		line = strings.Replace(text, t.Issuer, issuer, 1)
	default:
		return nil
	}
	e, _ := replaceLine(svc, t.Source, line)
	return []finding.Edit{e}
}

// quotedFields splits a line at blanks outside double quotes, as dCache
// splits provider options (-authz-id="uid:1 gid:1" is one word).
func quotedFields(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case (r == ' ' || r == '\t') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

package checks

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// banShadowed flags bans that never take effect because an earlier rule
// already decides the identity: HTCondor-CE bans by mapping to
// banned.htcondor.org
// (https://github.com/htcondor/htcondor-ce/blob/main/config/mapfiles.d/90-ban.conf),
// and the first matching mapfile line wins, so a ban after a broader
// mapping is dead.
var banShadowed = Check{
	ID: "ban-shadowed",
	Run: func(_ *Input, svc inventory.Service) []Result {
		var out []Result
		for _, b := range svc.Bans {
			if b.Inert != "" {
				out = append(out, Result{
					Source:   b.Source,
					FixCase:  "inert",
					Values:   vals("name", b.Identity),
					Key:      "ban:" + b.Identity,
					Message:  fmt.Sprintf("%s: the ban of %s never takes effect: %s", svc.Label(), b.Identity, b.Inert),
					Expected: "a ban the service evaluates",
					Actual:   b.Inert,
				})
				continue
			}
			if b.ShadowedBy.IsZero() {
				continue
			}
			r := Result{
				Source:   b.Source,
				Values:   vals("name", b.Identity, "target", b.ShadowedBy.File, "target_line", strconv.Itoa(b.ShadowedBy.Line)),
				Key:      "ban:" + b.Identity,
				Message:  fmt.Sprintf("%s: the ban of %s never takes effect: the earlier rule at %s already decides that identity (first match wins)", svc.Label(), b.Identity, b.ShadowedBy),
				Expected: "the ban before every rule that matches the same identity",
				Actual:   "shadowed by " + b.ShadowedBy.String(),
			}
			if strings.HasPrefix(b.Identity, "denyaccess ") {
				r.FixCase = "list"
			} else {
				r.Edits = moveBan(svc, b)
			}
			if b.Partly {
				r.Message = fmt.Sprintf("%s: the ban of %s is partly dead: the earlier rule at %s already decides some of the tokens it targets (first match wins)", svc.Label(), b.Identity, b.ShadowedBy)
				r.Actual = "partly shadowed by " + b.ShadowedBy.String()
			}
			if b.SlipsThrough != "" {
				r.Message += fmt.Sprintf("; a token that slips through: %s", b.SlipsThrough)
			}
			out = append(out, r)
		}
		return out
	},
}

// moveBan puts a ban before the rule that shadows it: HTCondor-CE into
// /etc/condor-ce/mapfiles.d/00-ban.conf, which sorts before every
// mapfile of both mapfile directories; ARC above the shadowing rule of
// the same authgroup. StoRM's policies span several YAML lines: no
// mechanical move.
func moveBan(svc inventory.Service, b inventory.Ban) []finding.Edit {
	text, ok := recorded(svc, b.Source)
	if !ok {
		return nil
	}
	del, _ := replaceLine(svc, b.Source)
	switch svc.Name {
	case "htcondor-ce":
		const first = "/etc/condor-ce/mapfiles.d/00-ban.conf"
		dir := path.Dir(b.ShadowedBy.File)
		if b.Source.File == first || (dir != "/etc/condor-ce/mapfiles.d" && dir != "/usr/share/condor-ce/mapfiles.d") {
			return nil
		}
		return []finding.Edit{del, appendLines(first, strings.TrimSpace(text))}
	case "arc-ce":
		if b.ShadowedBy.File != b.Source.File || !strings.HasPrefix(strings.TrimSpace(text), "-") {
			return nil
		}
		before, ok := insertBefore(svc, b.ShadowedBy, text)
		if !ok {
			return nil
		}
		return []finding.Edit{del, before}
	}
	return nil
}

package htcondorce

import (
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// name is the service's name in every output, recipe and waiver.
const name = "htcondor-ce"

// Service describes HTCondor-CE to the service registry.
var Service = readers.Service{
	Name:       name,
	Title:      "HTCondor-CE",
	Kind:       vocab.KindCompute,
	Reader:     readers.Func(Read),
	LogDirs:    []string{"/var/log/condor-ce"},
	Units:      func(string) []string { return []string{"condor-ce.service"} },
	Components: map[string][]string{"htcondor-ce": {"htcondor-ce"}, "htcondor": {"condor"}},
	Files:      "`/etc/condor-ce/condor_config`, then `LOCAL_CONFIG_DIR` (`/usr/share/condor-ce/config.d`, then `/etc/condor-ce/config.d`, lexical, HTCondor's exclusions), `include :` files and directories; `CERTIFICATE_MAPFILE` (default `/etc/condor-ce/condor_mapfile`) with `@include` of files and directories; `/etc/grid-security/gsi-authz.conf`",
	Reads:      "the HTCondor config language (last assignment wins, `$(X)`/`$(X:default)`, self-reference, `SCHEDD.`-prefixed names, `@=tag` values, `if/elif/else/endif`, `use security:…` metaknobs expanded as HTCondor does); effective `SCHEDD` WRITE authentication methods, `ALLOW_WRITE`, `ALLOW_ADMINISTRATOR`, `SCITOKENS_SERVER_AUDIENCE`; `SCITOKENS` mapfile rules as trusts (issuer and pinned subject read from the pattern; first match wins), bans (`…@banned.htcondor.org`) and what shadows them, GSI remnants. `include command :` and `… \\|` values are reported, never run; PCRE patterns Go cannot evaluate are reported",
}

package xrootd

import (
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// name is the service's name in every output, recipe and waiver.
const name = "xrootd"

// Packages are the packages that install XRootD's server and its plugins,
// in the order their versions are trusted (Debian and EPEL name the
// server package xrootd-server, the older OSG and EL7 builds xrootd).
var Packages = []string{"xrootd-server", "xrootd"}

// Service describes XRootD to the service registry.
var Service = readers.Service{
	Name:    name,
	Title:   "XRootD",
	Kind:    vocab.KindStorage,
	Reader:  readers.Func(Read),
	LogDirs: []string{"/var/log/xrootd"},
	// An instance NAME is xrootd-NAME.cfg, run by the template units of
	// the packages (xrootd@NAME and, socket-activated, its sockets).
	Units: func(instance string) []string {
		return []string{"xrootd@" + instance + ".service", "xrootd@" + instance + ".socket", "xrdhttp@" + instance + ".socket"}
	},
	Components: map[string][]string{"xrootd": Packages},
	Files:      "`/etc/xrootd/*.cfg` (every instance; `xrootd-NAME.cfg` is instance `NAME`) with `continue` files and directories; the SciTokens plugin's config (`ofs.authlib … libXrdAccSciTokens.so config=…`, default `/etc/xrootd/scitokens.cfg`); `acc.authdb`",
	Reads:      "the xrootd config language (`set`/`$var`, `if … else … fi` on the host's name, `named`, `defined`, `continue`, continuation lines, repeated directives); `ofs.authorize`, `ofs.authlib`, `acc.authdb`, `http.header2cgi`, the trace directives (`xrootd.trace`, `http.trace`, `ofs.trace`, `xrd.trace`, `pss.trace`, `scitokens.trace`, `macaroons.trace`: the last of each, options in order) and `pss.debug`, `sec.protocol ztn`, `all.role`, the XrdMacaroons handler or library with `macaroons.maxduration` (24 h by default); scitokens.cfg `[Global]` audience, audience_json, onmissing and `[Issuer …]` issuer, base_path, restricted_path, map_subject, default_user, username_claim, name_mapfile, authorization_strategy, with the plugin's defaults",
}

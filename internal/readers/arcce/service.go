package arcce

import (
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// name is the service's name in every output, recipe and waiver.
const name = "arc-ce"

// Service describes ARC CE to the service registry.
var Service = readers.Service{
	Name:       name,
	Title:      "ARC CE",
	Kind:       vocab.KindCompute,
	Reader:     readers.Func(Read),
	LogDirs:    []string{"/var/log/arc"},
	Units:      func(string) []string { return []string{"arc-arex.service"} },
	Components: map[string][]string{"arc": Packages},
	Files:      "`/etc/arc.conf` (ARC 6 and 7, told apart by the installed package in the dpkg database or by options only one release has)",
	Reads:      "blocks and options as ARC's `arcconfig-parser` reads them (checked against it in the tests); `[authgroup:…]` rules in order with `+`/`-`/`!`, `authtokens` fields and ARC 7 `authtokensgen` expressions; `[mapping]`; `allowaccess`/`denyaccess` in `[arex/ws/jobs]` and `[queue:…]`; `tokenscopes` and `loglevel` in `[arex]`; `[authtokens]`, `[arex/ws/argus]`, gridftpd blocks, LCAS/LCMAPS plugins",
}

package dcache

import (
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// name is the service's name in every output, recipe and waiver.
const name = "dcache"

// Service describes dCache to the service registry.
var Service = readers.Service{
	Name:    name,
	Title:   "dCache",
	Kind:    vocab.KindStorage,
	Reader:  readers.Func(Read),
	LogDirs: []string{"/var/log/dcache"},
	// The generator makes dcache@<domain>.service units at boot from the
	// layout; dcache.target starts them.
	Units:      func(string) []string { return []string{"dcache.target", "dcache-server.service"} },
	Components: map[string][]string{"dcache": {"dcache"}},
	Files:      "`/etc/dcache/dcache.conf`, the layout (`dcache.layout`, `/etc/dcache/layouts/<host>.conf`) with `[domain]` and `[domain/gplazma]` scopes, `gplazma.conf`, multimap files, the banfile",
	Reads:      "properties with `${key}`, annotations and map keys; the gplazma service's effective properties; OIDC providers (`-profile`, `-prefix`, `-suppress`, `-authz-id`, `-non-authz-id`), `gplazma.oidc.audience-targets`, `op:`/`oidcgrp:` mappings, bans, the deprecated `scitoken` plugin with its `gplazma.scitoken.issuer!NAME` issuers and audience targets, the `argus` plugin, the forbidden `gplazma.oidc.hostnames`, `dcache.log.level.*`; each WebDAV door's macaroons (`webdav.enable.macaroons`, `webdav.macaroons.max-lifetime` with its unit: 7 days by default)",
}

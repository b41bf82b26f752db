package storm

import (
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// name is the service's name in every output, recipe and waiver.
const name = "storm-webdav"

// Service describes StoRM WebDAV to the service registry.
var Service = readers.Service{
	Name:       name,
	Title:      "StoRM WebDAV",
	Kind:       vocab.KindStorage,
	Reader:     readers.Func(Read),
	LogDirs:    []string{"/var/log/storm"},
	Units:      func(string) []string { return []string{Unit} },
	Components: map[string][]string{"storm-webdav": {"storm-webdav"}},
	Files:      "`/etc/storm/webdav/config/application.yml` (with `${ENV:default}` from the environment systemd gives `storm-webdav.service`: its `Environment=` and `EnvironmentFile=` lines and drop-ins; `/etc/sysconfig/storm-webdav` only when the unit loads it, or when the host holds no unit), `/etc/storm/webdav/sa.d/*.properties`",
	Reads:      "`oauth.issuers` (enforce-audience-checks defaults to false), `storm.authz.policies`, the authorization server's max token lifetime (12 h default); storage areas with the code's defaults (`orgsGrantWritePermission` is true when absent, although the docs say false), unknown keys with the nearest known one",
}

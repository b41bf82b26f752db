package eos

import (
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/readers/xrootd"
	"github.com/ttt-wg/ttt-check/internal/vocab"
)

// name is the service's name in every output, recipe and waiver.
const name = "eos"

// Service describes EOS to the service registry.
var Service = readers.Service{
	Name:    name,
	Title:   "EOS",
	Kind:    vocab.KindStorage,
	Reader:  readers.Func(Read),
	LogDirs: []string{"/var/log/eos"},
	Units:   func(string) []string { return []string{"eos5-mgm@mgm.service", "eos@mgm.service"} },
	// The MGM loads XRootD's SciTokens plugin: its version decides what
	// the plugin does. EOS 5 runs the XRootD build its eos-xrootd package
	// installs under /opt/eos/xrootd, versioned as XRootD's release.
	Components: map[string][]string{"eos": {"eos-server"}, "xrootd": append([]string{"eos-xrootd"}, xrootd.Packages...)},
	Files:      "`/etc/xrd.cf.mgm` and its SciTokens config, read by the XRootD reader",
	Reads:      "`mgmofs.macaroonslib … libXrdAccSciTokens.so`, `sec.protocol ztn`, traces, `libXrdMacaroons.so` with `macaroons.maxduration` (24 h by default)",
}

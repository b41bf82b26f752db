package eos

import (
	"github.com/ttt-wg/ttt-check/internal/readers"
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
	Files:   "`/etc/xrd.cf.mgm` and its SciTokens config, read by the XRootD reader",
	Reads:   "`mgmofs.macaroonslib … libXrdAccSciTokens.so`, `sec.protocol ztn`, traces",
}

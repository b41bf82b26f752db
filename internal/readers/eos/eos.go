// Package eos reads an EOS MGM's token configuration. The MGM's
// /etc/xrd.cf.mgm is an XRootD config (`mgmofs.macaroonslib …
// libXrdAccSciTokens.so`, `sec.protocol ztn`) and its SciTokens plugin the
// XRootD one, so this reader is the XRootD reader pointed at the MGM's
// file: one reader, not a second copy.
package eos

import (
	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/xrootdcfg"
	"github.com/ttt-wg/ttt-check/internal/readers"
	"github.com/ttt-wg/ttt-check/internal/readers/xrootd"
)

// MGMConfig is the EOS MGM's XRootD configuration.
const MGMConfig = "/etc/xrd.cf.mgm"

// Read returns the EOS MGM service, or nothing when there is no MGM config.
func Read(h readers.Host) ([]inventory.Service, error) {
	found, unreadable := readers.Look(h.FS, MGMConfig)
	if !found {
		if len(unreadable) == 0 {
			return nil, nil
		}
		// The MGM config is there but cannot be read: an MGM not judged.
		return []inventory.Service{{Name: name, ConfigFiles: []string{MGMConfig}, Problems: unreadable}}, nil
	}
	cfg := xrootdcfg.Parse(h.FS, MGMConfig, xrootdcfg.Options{Host: h.Name, Instance: "mgm", Program: "xrootd"})
	svc := xrootd.Adapt(h, name, "", cfg)
	if data, err := h.FS.ReadFile(MGMConfig); err == nil && readers.UnrenderedTemplate(data) {
		svc.Problems = append(svc.Problems, readers.TemplateProblem(MGMConfig))
	}
	// The MGM authorizes with its own XrdMgmAuthz, which grants only to
	// an entity with a user name (the token's mapped name): groups never
	// authorize there (mgm/authz/XrdMgmAuthz.cc Access, EOS 5.4.11), so
	// the plugin's group strategy opens nothing.
	for i := range svc.Trusts {
		t := &svc.Trusts[i]
		kept := t.Strategies[:0]
		for _, s := range t.Strategies {
			if s != inventory.StrategyGroup {
				kept = append(kept, s)
			}
		}
		t.Strategies = kept
	}
	// The MGM is EOS's redirector: every client is sent on to an FST.
	svc.Settings = append(svc.Settings, inventory.Setting{Key: "all.role", Values: []string{"manager"}, Source: inventory.Source{File: MGMConfig}})
	return []inventory.Service{svc}, nil
}

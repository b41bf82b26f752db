# VO registry. The names are what a site profile lists in `vos`.
# Issuers: GitHub WLCG-AuthZ-WG/wlcg-authz-docs : docs/token-based-authorization/doma-testbed.md
# (note the trailing slash: services compare issuers as exact strings).
# The VOs' wishes quoted below ("the WG's requirements page") are from
# https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/requirements.md

vo "atlas" {
  title          = "ATLAS"
  issuer         = "https://atlas-auth.cern.ch/"
  legacy_issuers = ["https://atlas-auth.web.cern.ch/"]
  purpose        = "production"
  # "Rely exclusively on capabilities that comes with token storage.* scopes
  # and completely ignore wlcg.groups in the token for storage access."
  # (the WG's requirements page, see the top of this file)
  capability_only = true

  # Published pilot and robot subjects: GitHub opensciencegrid/topology :
  # virtual-organizations/ATLAS.yaml (PR opensciencegrid/topology#2172).
  robot_subject "7dee38a3-6ab8-4fe2-9e4c-58039c21d817" {
    description = "ATLAS production pilots"
    account     = "usatlas1"
  }
  robot_subject "5c5d2a4d-9177-3efa-912f-1b4e5c9fb660" {
    description = "ATLAS SAM/ETF tests"
    account     = "usatlas2"
  }
  robot_subject "750e9609-485a-4ed4-bf16-d5cc46c71024" {
    description = "ATLAS analysis pilots"
    account     = "usatlas3"
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/opensciencegrid/topology/blob/master/virtual-organizations/ATLAS.yaml",
  ]
}

vo "cms" {
  title          = "CMS"
  issuer         = "https://cms-auth.cern.ch/"
  legacy_issuers = ["https://cms-auth.web.cern.ch/"]
  purpose        = "production"
  # The WG's requirements page: CMS wants to "discuss individually"; no
  # capability-only
  # statement, so group authorization is not flagged for CMS.
  capability_only = false

  robot_subject "bad55f4e-602c-4e8d-a5c5-bd8ffb762113" {
    description = "CMS pilots"
    account     = "cmspilot"
  }
  robot_subject "08ca855e-d715-410e-a6ff-ad77306e1763" {
    description = "CMS SAM/ETF tests"
    account     = "lcgadmin"
  }
  robot_subject "490a9a36-0268-4070-8813-65af031be5a3" {
    description = "CMS ITB pilots"
    account     = "cmspilot"
  }
  robot_subject "07f75a9a-bb78-4735-938b-7e61b2b62d5c" {
    description = "CMS LOCAL pilots"
    account     = "cmslocal"
  }
  robot_subject "efbed8c1-f9a7-4063-92f7-f89c04ce04a3" {
    description = "CMS ITB LOCAL pilots"
    account     = "cmslocal"
  }
  robot_subject "99b97e4f-5cf0-4d3b-9fcc-82fa86dca1e8" {
    description = "USCMS LOCAL pilots"
    account     = "uscmslocal"
  }
  robot_subject "2f327ad0-1934-4635-8ba3-ee72da0a304c" {
    description = "USCMS HEPCloud pilots"
    account     = "uscms"
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/opensciencegrid/topology/blob/master/virtual-organizations/CMS.yaml",
  ]
}

vo "lhcb" {
  title          = "LHCb"
  issuer         = "https://lhcb-auth.cern.ch/"
  legacy_issuers = ["https://lhcb-auth.web.cern.ch/"]
  purpose        = "production"
  # The WG's requirements page: LHCb "prefer capabilities … (may still consider
  # wlcg.groups …)": a preference, not capability-only.
  capability_only = false
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
  ]
}

vo "alice" {
  title          = "ALICE"
  issuer         = "https://alice-auth.cern.ch/"
  legacy_issuers = ["https://alice-auth.web.cern.ch/"]
  purpose        = "production"
  # ALICE uses its own (non-WLCG) tokens for storage: "everything is mapped
  # to one storage identity" (the WG's requirements page), so no
  # capability-only rule.
  capability_only = false
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
  ]
}

vo "dteam" {
  title   = "DTeam"
  issuer  = "https://dteam-auth.cern.ch/"
  purpose = "operations"
  # "DTeam should be enabled, this is what the VO is for." (TTT-M07-240528)
  capability_only = false
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M07-240528.md",
  ]
}

vo "wlcg" {
  title   = "WLCG"
  issuer  = "https://wlcg.cloud.cnaf.infn.it/"
  purpose = "development"
  # "test instance for WLCG JWT token developers" (doma-testbed.md);
  # "WLCG is a catchall VO for anybody" (TTT-M07-240528).
  capability_only = false
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M07-240528.md",
  ]
}

# The production issuers the WG's testbed page lists beside the LHC VOs
# ("an (incomplete) list of production issuers currently used by HEP
# experiments", doma-testbed.md L15-27 at
# https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/1b9e8f57620a066e803e6b93e35368ba2b8b81ed/docs/token-based-authorization/doma-testbed.md#L15-L27).
# The requirements page states no capability-only wish for them.

vo "dune" {
  title = "DUNE"
  # doma-testbed.md L25: "DUNE | https://cilogon.org/dune | OA4MP | WLCG"
  # (no trailing slash; OSG's topology DUNE.yaml has the same URL).
  issuer          = "https://cilogon.org/dune"
  purpose         = "production"
  opt_in          = true
  capability_only = false
  robot_subject "dunepilot@fnal.gov" {
    description = "DUNE pilots"
    account     = "dunepilot"
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/1b9e8f57620a066e803e6b93e35368ba2b8b81ed/docs/token-based-authorization/doma-testbed.md#L25",
    "https://github.com/opensciencegrid/topology/blob/5270db32f/virtual-organizations/DUNE.yaml",
  ]
}

vo "fermilab" {
  title = "Fermilab"
  # doma-testbed.md L26: "Fermilab | https://cilogon.org/fermilab | OA4MP | WLCG"
  issuer          = "https://cilogon.org/fermilab"
  purpose         = "production"
  opt_in          = true
  capability_only = false
  robot_subject "fermilabpilot@fnal.gov" {
    description = "Fermilab pilots"
    account     = "fermilabpilot"
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/1b9e8f57620a066e803e6b93e35368ba2b8b81ed/docs/token-based-authorization/doma-testbed.md#L26",
    "https://github.com/opensciencegrid/topology/blob/5270db32f/virtual-organizations/Fermilab.yaml",
  ]
}

vo "egi" {
  title = "EGI"
  # doma-testbed.md L27: "EGI | https://aai.egi.eu/auth/realms/egi | KeyCloak | AARC"
  # (EGI Check-in, a multi-VO issuer). Its older MITREid issuer
  # https://aai.egi.eu/oidc/, which the same page's ARC example still
  # lists (L57-61), is not in the table: it stays unknown.
  issuer          = "https://aai.egi.eu/auth/realms/egi"
  purpose         = "production"
  opt_in          = true
  capability_only = false
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/1b9e8f57620a066e803e6b93e35368ba2b8b81ed/docs/token-based-authorization/doma-testbed.md#L27",
  ]
}

# Site policy: "production XRootD must list our DNS alias as an audience".
#
# Clients reach the site's XRootD data servers through a DNS alias (a
# round-robin name over the servers), and ask the VO's IAM for tokens
# whose audience is that alias. A server that does not list the alias
# refuses those tokens, or, worse, someone "fixes" it by accepting any
# audience. Edit xrootd_alias for your site.

locals {
  xrootd_alias = "xrootd.example.org"
  # The forms the WG recipe lists for a host name.
  alias_audiences = ["roots://${local.xrootd_alias}:1094", "https://${local.xrootd_alias}:1094", local.xrootd_alias]
}

rule "xrootd-lists-dns-alias" {
  title    = "Production XRootD does not list the site's DNS alias as an audience"
  severity = "medium"
  rationale = <<-EOT
    Site policy: every production XRootD server accepts tokens issued for
    the site's DNS alias, the name clients and FTS use. The WLCG profile
    asks relying parties to check the audience against their own names
    (§2.1.1); a server that lacks the alias either breaks transfers through
    the alias or gets "fixed" with the any audience, which accepts tokens
    minted for every other site.
  EOT
  remediation = <<-EOT
    Add the alias to the audience list of scitokens.cfg ([Global]
    audience, or the issuer's audience), in the forms the recipe uses:
    roots://ALIAS:1094, https://ALIAS:1094 and ALIAS.
  EOT
  references = ["https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md"]

  over   = trusts
  when   = site.environment == "production" && contains([for s in host.services : s.name], "xrootd")
  where  = service.name == "xrootd" && !trust.any_issuer
  assert = length(setintersection(trust.audiences, local.alias_audiences)) > 0

  message  = "${service.label} does not accept tokens of ${trust.issuer} (${trust.name}) issued for ${local.xrootd_alias}: its audiences are ${length(trust.audiences) > 0 ? join(", ", trust.audiences) : "not checked"}"
  expected = "one of ${join(", ", local.alias_audiences)}"
  actual   = length(trust.audiences) > 0 ? join(", ", trust.audiences) : "no audience list"

  test "the WG recipe host, which lists its own name only" {
    root = "../../fixtures/hosts/xrootd-wg-recipe"
    expect = [
      "/etc/xrootd/scitokens.cfg:6",
      "/etc/xrootd/scitokens.cfg:13",
      "/etc/xrootd/scitokens.cfg:20",
    ]
  }

  test "a data server behind the alias" {
    files = {
      "/etc/hostname"                     = "xrd03.example.org\n"
      "/etc/xrootd/xrootd-standalone.cfg" = <<-EOT
        all.export /data
        all.role server
        ofs.authorize 1
        ofs.authlib ++ libXrdAccSciTokens.so config=/etc/xrootd/scitokens.cfg
        sec.protocol ztn
      EOT
      "/etc/xrootd/scitokens.cfg"         = <<-EOT
        [Global]
        onmissing = passthrough
        audience = roots://xrd03.example.org:1094, https://xrd03.example.org:1094, roots://xrootd.example.org:1094, https://xrootd.example.org:1094

        [Issuer ATLAS]
        issuer = https://atlas-auth.cern.ch/
        base_path = /data/atlas
        authorization_strategy = capability
      EOT
    }
    expect = []
  }

  test "a testbed host, where the rule does not apply" {
    root      = "../../fixtures/hosts/xrootd-dev-testbed"
    unmatched = true
  }

  test "a compute element, where the rule does not apply either" {
    root      = "../../fixtures/hosts/htcondor-ce-wg-recipe"
    unmatched = true
  }
}

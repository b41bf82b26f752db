# Site policy: "no token may map to an account outside the grid pool
# accounts".
#
# The pool accounts are the VOs' pilot and production accounts and the
# numbered pools (dteam001…); a token mapped to anything else (condor,
# root, a service account, a personal account) acts with rights the pool
# was made to keep tokens away from. Edit pool_accounts for your site.

locals {
  pool_accounts = "^(usatlas[1-3]|atlas(prd|plt|sgm)|atlas[0-9]{3}|cmspilot|cmsplt|lcgadmin|dteam[0-9]{3})$"
}

rule "tokens-map-to-pool-accounts" {
  title    = "Tokens mapped to an account outside the grid pool accounts"
  severity = "high"
  rationale = <<-EOT
    Site policy: a token is mapped to a grid pool account or to nothing.
    Pool accounts own nothing but the jobs and files of their VO; an
    account outside the pool (the batch system's own, root, a service or a
    personal account) gives every token the mapping admits that account's
    rights on the host and the shared file systems.
  EOT
  remediation = <<-EOT
    Map the tokens to the VO's pool account (HTCondor-CE: the account at
    the end of the SCITOKENS line; ARC: the [mapping] map_to_user; dCache:
    the multimap username), or remove the mapping. If the account is a new
    pool account, add it to pool_accounts in this rule.
  EOT
  references = ["https://htcondor.readthedocs.io/en/latest/admin-manual/security.html#the-unified-map-file-for-authentication"]

  over  = trusts
  where = trust.account != ""
  # An account that only names requests (XRootD's default_user without
  # the multiuser plugin) maps nothing: the service does not act as it.
  assert = trust.account_name_only || can(regex(local.pool_accounts, trust.account))

  message  = "${service.label} maps tokens of ${trust.any_issuer ? "any issuer" : (trust.issuer != "" ? trust.issuer : trust.identity_pattern)} to ${trust.account}, which is not a grid pool account"
  expected = "a grid pool account"
  actual   = trust.account

  test "a CE mapping tokens to condor and to unlisted accounts" {
    root = "../../fixtures/hosts/htcondor-ce-deviating"
    expect = [
      "/etc/condor-ce/mapfiles.d/10-scitokens.conf:2", # every token → condor
      "/etc/condor-ce/mapfiles.d/10-scitokens.conf:6", # the WLCG VO → wlcg001
      "/etc/condor-ce/mapfiles.d/10-scitokens.conf:8", # LHCb → lhcbpilot
    ]
  }

  test "an ARC CE mapping admins to root" {
    root   = "../../fixtures/hosts/arc7-deviating"
    expect = ["/etc/arc.conf:16"]
  }

  test "the WG recipe CE" {
    root   = "../../fixtures/hosts/htcondor-ce-wg-recipe"
    expect = []
  }

  test "an XRootD host whose account only names requests" {
    root   = "../../fixtures/hosts/xrootd-wg-recipe"
    expect = []
  }

  test "a StoRM host, which maps no token to an account" {
    root      = "../../fixtures/hosts/storm-wg-recipe"
    unmatched = true
  }
}

# Site policy: "storage hosts trust only our IAM and ATLAS".
#
# Our IAM is what the site profile declares as an extra issuer with a
# security contact ([[issuers]] in /etc/ttt-check/site.toml), so the rule
# follows the profile instead of repeating the IAM's URL; ATLAS is the one
# VO this site's storage serves. Edit atlas_issuer (or make it a list) for
# the VOs your storage serves.

locals {
  atlas_issuer = "https://atlas-auth.cern.ch/"
}

rule "storage-trusts-our-iam-and-atlas" {
  title    = "Storage service trusts an issuer other than our IAM and ATLAS"
  severity = "high"
  rationale = <<-EOT
    Site policy: storage accepts bearer tokens from the site's own IAM and
    from ATLAS, nothing else. Every other issuer a storage service trusts
    is an identity provider whose users (or whose operators) can then read
    or write data here, outside the agreements the site has made and
    outside the incident contacts it has on file. The working group's
    recipes allow every VO the site supports; this site is stricter.
  EOT
  remediation = <<-EOT
    Remove the trust from the storage service (XRootD: the [Issuer …]
    section in scitokens.cfg; dCache: the gplazma OIDC provider; StoRM:
    the issuer of the storage area), or, if the issuer is the site's own
    new IAM, declare it in the site profile with its security contact.
  EOT
  references = ["https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md"]

  over = trusts
  # Hosts without storage are not this rule's business: with when they
  # are not reported as hosts the rule matches nothing on.
  when   = contains([for s in host.services : s.kind], "storage")
  where  = service.kind == "storage"
  assert = !trust.any_issuer && (trust.issuer == local.atlas_issuer || contains([for i in site.issuers : i.issuer if i.contact != ""], trust.issuer))

  message  = "${service.label} trusts ${trust.any_issuer ? "tokens of any issuer" : trust.issuer} (${trust.name}), which is neither our IAM nor ATLAS"
  expected = "our IAM (the site profile's issuers with a contact) or ${local.atlas_issuer}"
  actual   = trust.any_issuer ? "any issuer" : trust.issuer

  test "a storage host trusting other VOs and IAMs" {
    root = "../../fixtures/hosts/xrootd-issuers"
    # Not line 29: that is the IAM the host's profile declares with a contact.
    expect = [
      "/etc/xrootd/scitokens.cfg:6",  # the retired ATLAS hostname
      "/etc/xrootd/scitokens.cfg:12", # CMS
      "/etc/xrootd/scitokens.cfg:18", # the WLCG development VO
      "/etc/xrootd/scitokens.cfg:24", # LHCb
      "/etc/xrootd/scitokens.cfg:34", # an IAM declared without a contact
      "/etc/xrootd/scitokens.cfg:40", # a near miss of ALICE
    ]
  }

  test "the WG recipe host, which also serves CMS and DTeam" {
    root   = "../../fixtures/hosts/xrootd-wg-recipe"
    expect = ["/etc/xrootd/scitokens.cfg:13", "/etc/xrootd/scitokens.cfg:20"]
  }

  test "a storage host of ATLAS and our IAM" {
    files = {
      "/etc/hostname"                     = "se01.example.org\n"
      "/etc/ttt-check/site.toml"          = <<-EOT
        site        = "EXAMPLE-T2"
        environment = "production"
        vos         = ["atlas"]

        [[issuers]]
        issuer  = "https://iam.example.org/"
        name    = "site-iam"
        contact = "security@example.org"
      EOT
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
        audience = https://se01.example.org:1094

        [Issuer ATLAS]
        issuer = https://atlas-auth.cern.ch/
        base_path = /data/atlas
        authorization_strategy = capability

        [Issuer SITE-IAM]
        issuer = https://iam.example.org/
        base_path = /data/local
        authorization_strategy = capability
      EOT
    }
    expect = []
  }

  test "a compute element, where the rule does not apply" {
    root      = "../../fixtures/hosts/htcondor-ce-wg-recipe"
    unmatched = true
  }
}

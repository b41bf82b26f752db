# Site policy: "every CE pins its pilot subjects".
#
# A compute element maps the VO's published pilot (robot) subjects, not
# every token of the issuer: any member of the VO who can get a token
# would otherwise submit as the pilot account.

rule "ce-pins-pilot-subjects" {
  title    = "Compute element accepts every subject of an issuer"
  severity = "high"
  rationale = <<-EOT
    Site policy: a CE admits the pilot and test robots the VOs publish,
    each by its subject, and nobody else. A rule that admits every subject
    of an issuer lets any member of the VO (or, for an unanchored pattern,
    any issuer) submit jobs under the pilot account, which pilots the site
    trusts with many users' payloads.
  EOT
  remediation = <<-EOT
    Give each trusted issuer one rule per published pilot subject
    (HTCondor-CE: SCITOKENS /^https\:\/\/atlas\-auth\.cern\.ch\/,<subject>$/
    usatlas1; ARC: authtokens with the subject set), taking the subjects
    from the VO's registration (e.g. OSG topology's VO files).
  EOT
  references = ["https://github.com/opensciencegrid/topology/tree/master/virtual-organizations"]

  over   = trusts
  when   = contains([for s in host.services : s.kind], "compute")
  where  = service.kind == "compute"
  assert = !trust.any_subject && length(trust.subjects) > 0

  message  = "${service.label} accepts every subject of ${trust.any_issuer || trust.issuer == "" ? "any issuer" : trust.issuer}${trust.identity_pattern != "" ? " (${trust.identity_pattern})" : ""}, mapped to ${trust.account != "" ? trust.account : "the subject"}"
  expected = "the VO's published pilot subjects"
  actual   = "any subject"

  test "a CE with catch-all and issuer-wide rules" {
    root = "../../fixtures/hosts/htcondor-ce-deviating"
    expect = [
      "/etc/condor-ce/mapfiles.d/10-scitokens.conf:2", # /.*/
      "/etc/condor-ce/mapfiles.d/10-scitokens.conf:5", # every DTeam subject
      "/etc/condor-ce/mapfiles.d/10-scitokens.conf:6", # every WLCG subject
    ]
  }

  test "the WG recipe CE" {
    root   = "../../fixtures/hosts/htcondor-ce-wg-recipe"
    expect = []
  }

  test "a storage host, where the rule does not apply" {
    root      = "../../fixtures/hosts/xrootd-wg-recipe"
    unmatched = true
  }
}

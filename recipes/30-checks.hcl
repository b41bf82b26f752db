# Check catalogue. The ids and severities are fixed: reports, waivers,
# scripts and tests refer to them.

check "issuer-dev-vo" {
  title    = "Development VO issuer trusted on a production host"
  severity = "critical"
  rationale = <<-EOT
    https://wlcg.cloud.cnaf.infn.it/ is the WLCG IAM instance for token
    developers: registration is open and any registered user can request the
    groups that grant storage and compute scopes. The TTT working group:
    "Need to warn people more about the WLCG VO being a dev VO. Might be
    'shady' figures among the membership, supposed to just be on dev boxes.
    But a few sites have followed these docs too literally." On a production
    host it lets an open population act on production data or batch slots.
    On testbed and development hosts this is reported as info.
  EOT
  remediation = <<-EOT
    Remove the development VO's issuer from production services and trust
    DTeam (https://dteam-auth.cern.ch/) for site tests instead. If the host
    really is a testbed, say so in the site profile (environment =
    "testbed", or a [[hosts]] override).
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${file}, delete the [Issuer ${name}] section that trusts ${issuer}
      (issuer line ${line}). For site tests trust DTeam in its own area instead:
        [Issuer DTEAM]
        issuer = ${dteam_issuer}
        base_path = ${dteam_area}
        map_subject = False
        default_user = ${dteam_account}${has("authorization_strategy") ? "\n  authorization_strategy = capability" : ""}
      If this host is a testbed, say so in the site profile (environment =
      "testbed", or a [[hosts]] override).
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, the SciTokens configuration the MGM reads, delete the
      [Issuer ${name}] section that trusts ${issuer} (issuer line ${line}). For site tests
      trust DTeam in its own directory, as its own EOS account:
        [Issuer DTEAM]
        issuer = ${dteam_issuer}
        base_path = ${dteam_area}
        map_subject = False
        default_user = ${dteam_account}${has("authorization_strategy") ? "\n  authorization_strategy = capability" : ""}
      If this host is a testbed, say so in the site profile.
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      In ${file}, delete line ${line}: the SCITOKENS rule that maps tokens of
      ${issuer}. For site tests map DTeam instead; DTeam publishes no robot
      subject, so pin the subject of the identity you test with:
        SCITOKENS /^${regex_escape(dteam_issuer)},<subject>$/ ${dteam_account}
      If this host is a testbed, say so in the site profile.
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, remove the rule at line ${line} that admits tokens of
      ${issuer} (authgroup ${name}); if the authgroup is left empty, remove it
      with its map_to_user and allowaccess lines. For site tests admit DTeam
      with this CE's audience and the compute scopes: `ttt-check recipe arc-ce
      --vo dteam` prints the authgroup, [mapping] and allowaccess lines.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, delete line ${line} (gplazma.oidc.provider!${name}) and any
      op:${name} line of the multimap files. For site tests trust DTeam under
      its own prefix, with an identity only for tokens with storage scopes:
        gplazma.oidc.provider!dteam = ${dteam_issuer} -profile=wlcg -prefix=${dteam_area} -authz-id="${dteam_account}"
      If this host is a testbed, say so in the site profile.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      Remove ${issuer} from oauth.issuers in
      /etc/storm/webdav/config/application.yml and from orgs of every storage
      area in /etc/storm/webdav/sa.d/ (here ${place}). For site tests trust
      DTeam with a storage area of its own: `ttt-check recipe storm-webdav --vo
      dteam` prints the issuer entry and sa.d/dteam.properties.
    EOT
  }
  fix "any" {
    case = "testbed"
    text = <<-EOT
      Nothing to change on a testbed or development host: the site profile
      says this is one. Never copy this trust to a production host.
    EOT
  }
  references = [
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M07-240528.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/index.md",
  ]
}

check "issuer-wildcard" {
  title    = "Tokens of any issuer, or of an issuer an attacker can run, accepted"
  severity = "critical"
  rationale = <<-EOT
    A service that accepts any issuer trusts whoever can publish signing keys
    over HTTPS: anybody can mint a token that passes. The WLCG profile
    expects "the service administrator explicitly lists the issuers they
    trust … and restricts each to a specific directory" (§4.1.1).
    HTCondor-CE gives scitokens-cpp no list of allowed issuers: a token from
    any issuer whose keys can be fetched authenticates, and the SCITOKENS
    mapfile pattern is the only issuer gate. A pattern without ^, with an
    unescaped '.', or with nothing pinned after the issuer's host name also
    admits issuers an attacker can run (https://evil.example/https://atlas-
    auth.cern.ch/, https://atlas-authxcern.ch/), and hands their tokens the
    mapped account.
  EOT
  remediation = <<-EOT
    Replace the catch-all with one rule per trusted issuer of a supported VO,
    each pinned to the issuer's exact string (with its trailing slash) and,
    on compute elements, to the VO's published pilot subjects.
  EOT
  fix "htcondor-ce" {
    text = <<-EOT
      In ${file}, line ${line}: anchor the pattern and escape every character
      that is not a letter or digit, so that it admits exactly ${issuer}:
        SCITOKENS ${new} ${mapped}
      HTCondor-CE gives scitokens-cpp no issuer list: this pattern is the only
      issuer gate.
    EOT
  }
  fix "htcondor-ce" {
    case = "any"
    text = <<-EOT
      In ${file}, delete line ${line}: it maps tokens of every issuer whose keys
      can be fetched to ${mapped}. Map one anchored line per pinned subject of
      each supported VO instead; `ttt-check recipe htcondor-ce` prints them,
      for example
        SCITOKENS /^https\:\/\/atlas\-auth\.cern\.ch\/,7dee38a3\-6ab8\-4fe2\-9e4c\-58039c21d817$/ usatlas1
    EOT
  }
  fix "arc-ce" {
    case = "any"
    text = <<-EOT
      In ${file}, line ${line}: name the issuer in the rule of authgroup
      ${name}: ARC checks no issuer list of its own, so a rule that leaves the
      issuer open admits any issuer that publishes keys. Write one rule per
      trusted issuer with this CE's audience (${audiences[0]}); `ttt-check
      recipe arc-ce` prints them.
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md",
    "https://github.com/htcondor/htcondor-ce/blob/main/config/mapfiles.d/10-scitokens.conf",
    "https://github.com/htcondor/htcondor/blob/main/src/condor_utils/condor_scitokens.cpp",
  ]
}

check "issuer-legacy" {
  title    = "Retired CERN IAM hostname trusted"
  severity = "low"
  rationale = <<-EOT
    CERN's IAM issuers moved from *-auth.web.cern.ch to *-auth.cern.ch in
    2024; the WLCG AuthZ docs removed the old names in October 2025. A trust
    for the old name is dead weight at best, and a name nobody watches is
    easy to forget when keys or hosts change.
  EOT
  remediation = <<-EOT
    Trust the VO's current issuer and remove the retired *-auth.web.cern.ch
    one once the VO confirms it no longer issues tokens from it.
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${file}, section [${name}] (line ${line}): trust the current issuer,
        issuer = ${expected}
      or delete the section when another one already trusts ${expected}.
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, the MGM's SciTokens configuration, section [${name}]
      (line ${line}): trust the current issuer,
        issuer = ${expected}
      or delete the section when another one already trusts ${expected}.
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      In ${file}, line ${line}: match the current issuer instead,
        SCITOKENS ${new} ${mapped}
      or delete the line when another one already maps ${expected}.
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, line ${line} (authgroup ${name}): write the current issuer
      ${expected} instead of ${issuer}.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, line ${line}: point gplazma.oidc.provider!${name} at the
      current issuer,
        gplazma.oidc.provider!${name} = ${expected} …
      keeping its -profile, -prefix and -authz-id options.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      Write ${expected} instead of ${issuer} in oauth.issuers of
      /etc/storm/webdav/config/application.yml and in orgs of the storage
      areas (${place}).
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/commit/31d77ac",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
  ]
}

check "issuer-near-miss" {
  title    = "Issuer string almost, but not exactly, a known issuer"
  severity = "medium"
  rationale = <<-EOT
    Services compare the token's iss claim with the configured issuer as an
    exact, case-sensitive string (scitokens-cpp `issuer == allowed_issuer`,
    StoRM `issuer.equals`, dCache "MUST exactly match"). A missing trailing
    slash, other letter case, http:// or a typo (a WG page once carried
    https://atlice-auth.cern.ch/) silently breaks the trust — or, worse,
    points it at a host somebody else may register.
  EOT
  remediation = <<-EOT
    Write the issuer exactly as the VO publishes it (https, lower case,
    trailing slash): services compare issuers as exact strings. The
    finding's expected value is the known issuer it resembles.
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${file}, line ${line}: write the issuer exactly,
        issuer = ${expected}
      (scitokens-cpp compares the token's iss byte for byte).
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, the MGM's SciTokens configuration, line ${line}: write the
      issuer exactly,
        issuer = ${expected}
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      In ${file}, line ${line}: match the issuer exactly, as the token
      carries it (${expected}):
        SCITOKENS ${new} ${mapped}
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, line ${line} (authgroup ${name}): write the issuer exactly,
      ${expected}.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, line ${line}: write the issuer exactly ("MUST exactly match
      the value of the iss (issuer) Claim"):
        gplazma.oidc.provider!${name} = ${expected} …
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      Write the issuer exactly, ${expected}, in oauth.issuers of
      /etc/storm/webdav/config/application.yml and in orgs of the storage
      areas (${place}).
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/opensciencegrid/topology/commit/e4d7423e4",
    "https://github.com/scitokens/scitokens-cpp/blob/master/src/scitokens_internal.h",
  ]
}

check "issuer-unknown" {
  title    = "Issuer unknown to the recipes and the site profile"
  severity = "medium"
  rationale = <<-EOT
    There is no official list of trusted token issuers per VO, and sites are
    asked by ticket to add new ones. The TTT working group warns that
    "everybody should be very careful when somebody ask them to add new
    token issuer for a VO". An issuer nobody can vouch for, with no security
    contact for incident response, is a trust nobody can revoke in time.
  EOT
  remediation = <<-EOT
    Verify the issuer with the VO. If the site trusts it on purpose (a local
    IAM, a non-LHC VO), declare it in the site profile with its security
    contact:
      [[issuers]]
      issuer  = "https://iam.example.org/"
      contact = "security@example.org"
    Otherwise remove it from the service's configuration.
  EOT
  fix "xrootd" {
    text = <<-EOT
      Verify ${issuer} with the VO. If the site trusts it on purpose, declare
      it in the site profile with its security contact:
        [[issuers]]
        issuer  = "${issuer}"
        contact = "<security contact>"
      Otherwise delete its [Issuer ${name}] section from ${file} (issuer line
      ${line}).
    EOT
  }
  fix "eos" {
    text = <<-EOT
      Verify ${issuer} with the VO. If the site trusts it on purpose, declare
      it in the site profile ([[issuers]] issuer = "${issuer}" with a contact);
      otherwise delete its [Issuer ${name}] section from ${file} (issuer line
      ${line}).
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      Verify ${issuer} with the VO. If the site trusts it on purpose, declare
      it in the site profile ([[issuers]] issuer = "${issuer}" with a contact);
      otherwise delete line ${line} of ${file}.
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      Verify ${issuer} with the VO. If the site trusts it on purpose, declare
      it in the site profile ([[issuers]] issuer = "${issuer}" with a contact);
      otherwise remove the rule at ${place} (authgroup ${name}).
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      Verify ${issuer} with the VO. If the site trusts it on purpose, declare
      it in the site profile ([[issuers]] issuer = "${issuer}" with a contact);
      otherwise delete line ${line} of ${file} (gplazma.oidc.provider!${name})
      and its op:${name} multimap lines.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      Verify ${issuer} with the VO. If the site trusts it on purpose, declare
      it in the site profile ([[issuers]] issuer = "${issuer}" with a contact);
      otherwise remove it from oauth.issuers in
      /etc/storm/webdav/config/application.yml and from orgs (${place}).
    EOT
  }
  references = [
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M06-240319.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/dcache.md",
  ]
}

check "issuer-unsupported-vo" {
  title    = "Issuer of a VO the site does not support"
  severity = "medium"
  rationale = <<-EOT
    Every trusted issuer widens who can act on the host. A VO the site does
    not support has no agreement, no contact in the site's incident process
    and usually no reason to be trusted; the trust is typically copied from
    another site's or a documentation example.
  EOT
  remediation = <<-EOT
    Remove the VO's issuer from the service, or add the VO to the site
    profile's `vos` if the site does support it.
  EOT
  fix "xrootd" {
    text = <<-EOT
      Delete the [Issuer ${name}] section of ${vo_title} from ${file} (issuer
      line ${line}), or add "${vo}" to vos in the site profile if the site
      supports ${vo_title}.
    EOT
  }
  fix "eos" {
    text = <<-EOT
      Delete the [Issuer ${name}] section of ${vo_title} from ${file}, the
      MGM's SciTokens configuration (issuer line ${line}), or add "${vo}" to vos in the
      site profile if the site supports ${vo_title}.
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      Delete line ${line} of ${file} (the SCITOKENS rule for ${vo_title}), or
      add "${vo}" to vos in the site profile if the site supports ${vo_title}.
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      Remove the ${vo_title} rule at ${place} (authgroup ${name}, with its
      map_to_user and allowaccess lines when it is left empty), or add "${vo}"
      to vos in the site profile if the site supports ${vo_title}.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      Delete line ${line} of ${file} (gplazma.oidc.provider!${name}) and its
      op:${name} multimap lines, or add "${vo}" to vos in the site profile if
      the site supports ${vo_title}.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      Remove ${issuer} from oauth.issuers in
      /etc/storm/webdav/config/application.yml and from orgs (${place}), or
      add "${vo}" to vos in the site profile if the site supports ${vo_title}.
    EOT
  }
  references = [
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M16-250225.md",
  ]
}

check "issuer-dteam-missing" {
  title    = "Token-enabled service does not trust DTeam"
  severity = "low"
  rationale = <<-EOT
    DTeam is the VO meant for site and operations testing. Without it, sites
    test with the development VO or with experiment credentials instead.
    TTT working group: "DTeam should be enabled, this is what the VO is
    for."
  EOT
  remediation = <<-EOT
    Trust DTeam (https://dteam-auth.cern.ch/), the VO for site tests, with
    a small dedicated area and an unprivileged account.
  EOT
  fix "xrootd" {
    text = <<-EOT
      Add to ${target}:
        [Issuer DTEAM]
        issuer = ${dteam_issuer}
        base_path = ${dteam_area}
        map_subject = False
        default_user = ${dteam_account}${has("authorization_strategy") ? "\n  authorization_strategy = capability" : ""}
    EOT
  }
  fix "eos" {
    text = <<-EOT
      Add to ${target}, the MGM's SciTokens configuration:
        [Issuer DTEAM]
        issuer = ${dteam_issuer}
        base_path = ${dteam_area}
        map_subject = False
        default_user = ${dteam_account}${has("authorization_strategy") ? "\n  authorization_strategy = capability" : ""}
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      Map DTeam's test identity in /etc/condor-ce/mapfiles.d/10-scitokens.conf.
      DTeam publishes no robot subject: pin the subject you test with,
        SCITOKENS /^${regex_escape(dteam_issuer)},<subject>$/ ${dteam_account}
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      Admit DTeam with this CE's audience and the compute scopes in ${file}:
      an [authgroup:dteam_tokens] block, map_to_user = dteam_tokens
      ${dteam_account} in [mapping] and allowaccess = dteam_tokens; `ttt-check
      recipe arc-ce --vo dteam` prints them for this CE.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      Add to the gPlazma section of the layout (${target}):
        gplazma.oidc.provider!dteam = ${dteam_issuer} -profile=wlcg -prefix=${dteam_area} -authz-id="${dteam_account}"
      with a uid and gid of an account the namespace knows.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      Trust DTeam in /etc/storm/webdav/config/application.yml
        - name: dteam
          issuer: ${dteam_issuer}
          enforce-audience-checks: true
          audiences:
          - ${audiences[0]}
      and give it a storage area, /etc/storm/webdav/sa.d/dteam.properties
      (`ttt-check recipe storm-webdav --vo dteam` prints it).
    EOT
  }
  references = [
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M07-240528.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
  ]
}

check "audience-any" {
  title    = "The \"any\" audience is accepted"
  severity = "low"
  rationale = <<-EOT
    A token with aud https://wlcg.cern.ch/jwt/v1/any is valid at every
    relying party, so a token stolen anywhere works here. The WLCG docs call
    it "not recommended for production use"; FTS wants to stop supporting
    it. It is still needed for the WLCG JWT compliance testbed. XRootD and
    HTCondor-CE (scitokens-cpp) accept it whatever their configuration says,
    so there the finding is info and documents the exposure.
  EOT
  remediation = <<-EOT
    List only audiences that name this endpoint. If the WLCG JWT compliance
    testbed needs the any audience, waive this finding in the site profile
    with an expiry date.
  EOT
  fix "xrootd" {
    case = "implicit"
    text = <<-EOT
      Nothing to gain by listing it: scitokens-cpp accepts the any audience
      whatever ${file} says. To document only this endpoint, write at line
      ${line}
        audience = ${join(", ", audiences)}
    EOT
  }
  fix "eos" {
    case = "implicit"
    text = <<-EOT
      Nothing to gain by listing it: the MGM's SciTokens plugin
      (scitokens-cpp) accepts the any audience whatever ${file} says. To
      document only this endpoint, write at line ${line}
        audience = ${join(", ", audiences)}
    EOT
  }
  fix "htcondor-ce" {
    case = "scheme"
    text = <<-EOT
      Add the WLCG profile's condor:// audience in a site file read after the
      package defaults, e.g. /etc/condor-ce/config.d/99-local.conf:
        SCITOKENS_SERVER_AUDIENCE = $(SCITOKENS_SERVER_AUDIENCE) condor://$(COLLECTOR_HOST)
      HTCondor-CE accepts ANY and https://wlcg.cern.ch/jwt/v1/any whatever the
      list says.
    EOT
  }
  fix "htcondor-ce" {
    case = "implicit"
    text = <<-EOT
      Remove ${values} from SCITOKENS_SERVER_AUDIENCE (${place}): HTCondor-CE
      (scitokens-cpp) accepts it whatever the list says, so listing it only
      documents the exposure.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, line ${line}: drop ${values} from the audience targets:
        gplazma.oidc.audience-targets = ${join(" ", audiences)}
      dCache accepts the any audience only because it is listed.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      In /etc/storm/webdav/config/application.yml (${place}), drop ${values}
      from the audiences of ${issuer}, keeping this endpoint's:
          audiences:
          - ${audiences[0]}
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, line ${line}: name this CE's audience (${audiences[0]}) in
      the rule instead of ${values}.
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/rucio/rucio/issues/6590",
  ]
}

check "audience-unchecked" {
  title    = "No audience restriction at all"
  severity = "high"
  rationale = <<-EOT
    Without an audience check, a token minted for any other service of the
    same VO is accepted here: a token leaked from a job, a log or another
    site becomes a key to this host. The WLCG profile makes aud a required
    claim and recommends audiences "based on the endpoint name". XRootD
    (scitokens-cpp) refuses a token whose aud names another service even
    without a list, but accepts tokens that carry no aud claim until
    [Global] audience lists the endpoint's; StoRM checks nothing without
    enforce-audience-checks: true; dCache -suppress=audience switches it off.
  EOT
  remediation = <<-EOT
    Configure the audiences that name this endpoint, so that a token minted
    for another service is refused here.
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${file}, section [Global], list the audiences that name this endpoint:
        audience = ${join(", ", audiences)}
      scitokens-cpp then also refuses tokens that carry no aud claim.
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, the MGM's SciTokens configuration, section [Global], list
      the audiences that name this endpoint:
        audience = ${join(", ", audiences)}
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, line ${line}: remove -suppress=audience from the provider if
      it has it, and name this endpoint in the gPlazma section:
        gplazma.oidc.audience-targets = ${join(" ", audiences)}
      (dCache still accepts a token that carries no aud claim at all).
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      In ${file}, for ${values} (line ${line}): turn the audience check on
      (StoRM's default is off) and name this endpoint:
          enforce-audience-checks: true
          audiences:
          - ${audiences[0]}
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, name this CE's audience in the rules that admit ${values}
      (${place}): the third field of ARC 6 authtokens, ${audiences[0]} instead
      of *, or on ARC 7 & (aud="${audiences[0]}") in authtokensgen.
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md",
    "https://github.com/scitokens/scitokens-cpp/blob/master/src/scitokens_internal.h",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
  ]
}

check "mapping-issuer-wide" {
  title    = "Every token of an issuer mapped to one account or given flat rights"
  severity = "high"
  rationale = <<-EOT
    When a service grants the same account or rights to every token of an
    issuer, the token's subject and scopes no longer matter: any member of
    the VO — including analysis users and anyone whose token leaked — gets
    what the most trusted robot gets. dCache docs: "ATLAS rely exclusively on
    scope based authorization, never include any mapping for op:atlas";
    ARC docs call issuer-wide rules "DANGEROUS". XRootD: an acc.authdb
    organisation rule (o <issuer> …), or a name_mapfile rule without sub or
    group, gives every valid token of the issuer those rights with or
    without a scope. (default_user alone does not: it names only requests
    that the token's scopes already authorized.) HTCondor-CE: a SCITOKENS
    mapfile rule with an open subject maps every token of the issuer to the
    account; the session still gets only what its compute/condor scopes
    name, so every member the issuer grants those scopes acts as that
    account. dCache: op: lines and -non-authz-id give every token without
    storage scopes the identity (tokens with storage scopes stay confined
    to them). StoRM WebDAV: orgsGrantReadPermission (and write, which
    needs read) gives every token of the issuer the area.
  EOT
  remediation = <<-EOT
    Authorize by the token's scopes, or map only pinned robot subjects:
    never give every token of an issuer one account or flat rights.
  EOT
  fix "xrootd" {
    case = "authdb"
    text = <<-EOT
      In ${file}, delete the acc.authdb organisation rule at line ${line}: it
      gives every valid token of ${issuer} its rights, with or without a
      scope. The SciTokens plugin authorizes tokens by their scopes; acc.authdb
      needs no rule for them.
    EOT
  }
  fix "xrootd" {
    case = "mapfile"
    text = <<-EOT
      In ${target}, remove the name_mapfile rules without sub, username or
      group (used at ${place}): they map every token of ${issuer} to one account.
      Map pinned subjects only, or drop name_mapfile and authorize by scopes
      (authorization_strategy = capability).
    EOT
  }
  fix "xrootd" {
    text = <<-EOT
      Give tokens of ${issuer} rights through their scopes only (${place}):
      no acc.authdb organisation rule, no catch-all name_mapfile rule.
    EOT
  }
  fix "eos" {
    case = "mapfile"
    text = <<-EOT
      In ${target}, remove the name_mapfile rules without sub, username or
      group (used at ${place}): they give every token of ${issuer} the EOS permissions
      of their result. Map pinned subjects only, or drop name_mapfile and
      authorize by scopes (authorization_strategy = capability).
    EOT
  }
  fix "eos" {
    text = <<-EOT
      Give tokens of ${issuer} rights through their scopes only (${place}):
      no catch-all name_mapfile rule.
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      In ${file}, line ${line}: map only the subjects ${vo_title} publishes,
      each on its own anchored line, instead of every subject of ${issuer}:
      ${new}
      Any member the issuer grants compute scopes otherwise submits as
      ${mapped}.
    EOT
  }
  fix "htcondor-ce" {
    case = "anyissuer"
    text = <<-EOT
      In ${file}, delete line ${line}: it maps every token of any issuer to
      ${mapped}. Map one anchored line per published subject of each supported
      VO instead (`ttt-check recipe htcondor-ce` prints them).
    EOT
  }
  fix "htcondor-ce" {
    case = "nosubject"
    text = <<-EOT
      In ${file}, line ${line}: pin the subject of the identity that submits
      instead of every subject of ${issuer} (it publishes no robot subject):
        SCITOKENS /^${regex_escape(issuer)},<subject>$/ ${mapped}
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, authgroup ${name} (${place}): admit only the pilot subjects
      the VO publishes, with this CE's audience and the compute scopes
      (`ttt-check recipe arc-ce` prints the rules), and on ARC 7 set
      tokenscopes = wlcg in [arex]: without it every admitted token may do
      everything its account may.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, delete line ${line}${mapped != "" ? " (it gives every token of the provider ${mapped})" : ""} if it is an op:${name} line, and
      turn -non-authz-id of gplazma.oidc.provider!${name} into -authz-id (or
      drop it when the provider has one): a token without storage scopes must
      get no identity (wlcg-authz-docs dcache.md: "never include any mapping
      for op:atlas"); tokens with storage scopes get the -authz-id identity.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      In ${file}, storage area ${name}: grant nothing to every token of
      ${issuer} (both default to true in the code):
        orgsGrantReadPermission=false
        orgsGrantWritePermission=false
        wlcgScopeAuthzEnabled=true
      Access then comes from the token's storage scopes.
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/dcache.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
    "https://github.com/xrootd/xrootd/blob/master/src/XrdSciTokens/README.md",
  ]
}

check "mapping-carried-over" {
  title    = "Mapped account kept for later requests on the connection"
  severity = "high"
  rationale = <<-EOT
    XRootD's SciTokens plugin gives a request that a token's scopes
    authorize the name default_user, and puts that name on the client's
    connection; XrdHttp keeps the connection's identity from request to
    request. When acc.authdb grants rights to that name (a `u xrootd …`
    rule), every later request on the same keep-alive connection that has
    no token, or a token the plugin rejects (another issuer, another
    audience), is authorized by acc.authdb as default_user: one
    read-scoped token opens the account's full rights on the connection.
    Shown with the real xrootd 5.5.3; the plugin's code still sets the name
    on the connection in current releases.
  EOT
  remediation = <<-EOT
    Give the name tokens are mapped to no rights of its own in the other
    authorization layer, or map tokens to no name at all; grant those
    rights to named local users or groups that tokens are not mapped to.
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${target} (acc.authdb), delete the rule at line ${target_line} that
      gives ${mapped} rights: it reaches every later request on a connection
      that a token of ${issuer} once authorized. Tokens are authorized by
      their scopes; grant authdb rights to named local users or groups that
      tokens are not mapped to, or drop default_user (${place}).
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${target}, delete the rule at line ${target_line} that gives
      ${mapped} rights, or drop default_user (${place}).
    EOT
  }
  references = [
    "https://github.com/xrootd/xrootd/blob/v5.5.3/src/XrdSciTokens/XrdSciTokensAccess.cc",
    "https://github.com/xrootd/xrootd/blob/v5.5.3/src/XrdAcc/XrdAccAccess.cc",
    "https://github.com/xrootd/xrootd/issues/1811",
  ]
}

check "mapping-privileged" {
  title    = "Tokens mapped to a privileged account"
  severity = "critical"
  rationale = <<-EOT
    Tokens mapped to root, uid 0 or the service's own administrative account
    turn any accepted token into administrative control of the service and
    its data (HTCondor-CE: QUEUE_SUPER_USERS = condor, root). Bearer tokens
    are easily leaked, so nothing a token can do should be privileged.
    XRootD's default_user only names requests, unless the xrootd-multiuser
    plugin makes the server act as that user or acc.authdb gives the name
    rights; only then is it reported there.
  EOT
  remediation = <<-EOT
    Map tokens to an unprivileged account dedicated to the VO (a pool or
    service account without administrative rights).
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${file}, line ${line}: name an unprivileged account,
        default_user = ${account}
      (with xrootd-multiuser, or acc.authdb rights for it, ${mapped} is what
      the token acts as).
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, line ${line}: map ${vo_title} tokens to the VO's own EOS
      account,
        default_user = ${account}
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      In ${file}, line ${line}: map ${vo_title} tokens to an unprivileged
      account, never condor or root (QUEUE_SUPER_USERS may edit and remove
      every user's jobs), e.g. ${account}.
    EOT
  }
  fix "htcondor-ce" {
    case = "anyissuer"
    text = <<-EOT
      In ${file}, delete line ${line}: it maps every token of any issuer to
      ${mapped}, a queue super user (QUEUE_SUPER_USERS may edit and remove
      every user's jobs). Map pinned subjects of supported VOs to unprivileged
      accounts instead (`ttt-check recipe htcondor-ce`).
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, line ${line}: map authgroup ${name} to an unprivileged
      account,
        map_to_user = ${name} ${account}
      (ARC documents that requests mapped to root fail; root is no target
      either way).
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, line ${line}: give an unprivileged uid, gid and username,
      never uid:0 or root; for a VO that authorizes by scopes delete the line
      and keep -authz-id on the provider.
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
    "https://github.com/htcondor/htcondor-ce/blob/main/config/05-ce-auth-defaults.conf",
  ]
}

check "storage-path-root" {
  title    = "A VO's tokens authorized over the whole namespace"
  severity = "high"
  rationale = <<-EOT
    Token scopes are relative to the VO's area (XRootD base_path, dCache
    -prefix, StoRM access point). With "/" a storage.modify:/ token may
    overwrite or delete every VO's data. dCache docs: "Using "/" prefix …
    is wrong with severe security implications." The EOS documentation's
    example scitokens.cfg uses base_path = / — do not copy it.
  EOT
  remediation = <<-EOT
    Restrict each issuer to its VO's own area, never "/".
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${file}, line ${line}: restrict ${issuer} to ${vo_title}'s area,
        base_path = ${area}
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, line ${line}: restrict ${issuer} to ${vo_title}'s directory
      (its tokens act as default_user anywhere under base_path),
        base_path = ${area}
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, line ${line}: give gplazma.oidc.provider!${name} the VO's own
      prefix, -prefix=${area} instead of -prefix=${old} ("Using "/" prefix …
      is wrong with severe security implications").
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      In ${file}, line ${line}: serve ${vo_title} from its own access point
      and root path (accessPoints=/${vo}, rootPath=${area}), not "/".
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/dcache.md",
    "https://github.com/cern-eos/eos/blob/master/doc/configuration/http_tpc.rst",
    "https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md",
  ]
}

check "authz-onmissing-allow" {
  title    = "XRootD authorizes requests the token does not cover (onmissing = allow)"
  severity = "critical"
  rationale = <<-EOT
    The SciTokens plugin's onmissing applies "when a token is not present or
    the token does not authorize the requested action"; allow means
    "Immediately authorize the request". Anonymous requests and tokens
    without the needed scope are then accepted, unless the filesystem
    enforces authorization itself.
  EOT
  remediation = <<-EOT
    Let the token decide: a request whose token is missing or does not
    authorize it must be handed on or refused, never authorized.
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${file}, section [Global], line ${line}:
        onmissing = passthrough
      (the default: acc.authdb decides what the token does not authorize), or
      onmissing = deny.
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, section [Global], line ${line}:
        onmissing = passthrough
      (the MGM's own authorization then decides), or onmissing = deny.
    EOT
  }
  references = [
    "https://github.com/xrootd/xrootd/blob/master/src/XrdSciTokens/README.md",
    "https://github.com/xrootd/xrootd/blob/master/src/XrdSciTokens/XrdSciTokensAccess.cc",
  ]
}

check "authz-group-fallback" {
  title    = "Group or mapping authorization for a capability-only VO"
  severity = "medium"
  rationale = <<-EOT
    Some VOs want storage access decided by the token's storage.* scopes
    only. ATLAS: "completely ignore wlcg.groups in the token for storage
    access". XRootD hands a token whose scopes do not cover a request to
    acc.authdb as a member of the issuer's organisation with the token's
    groups: acc.authdb group rules (g, or compound identities with g:) and
    name_mapfile group rules then authorize it. authorization_strategy =
    capability stops that from XRootD 5.7.0 on; earlier releases ignore the
    key. A token issued for another purpose then reaches storage through
    group or account rights.
  EOT
  remediation = <<-EOT
    Authorize a capability-only VO's storage access by the token's storage
    scopes only: no group, account or issuer mappings for it.
  EOT
  fix "xrootd" {
    text = <<-EOT
      ${has("authorization_strategy") ? "In ${target}, section [Issuer ${name}] for ${issuer}, add\n  authorization_strategy = capability\nand keep" : "${release()} cannot limit an issuer to capabilities: upgrade to XRootD ${since("authorization_strategy")} or later and add\n  authorization_strategy = capability\nto the [Issuer ${name}] section of ${target}. Until then keep"} group rules (g, g:) and
      name_mapfile group rules for ${vo_title}'s groups out of acc.authdb and
      the mapfile (${place}).
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${target}, section [Issuer ${name}] for ${issuer}: drop the
      name_mapfile, whose rules give tokens without storage scopes the EOS
      permissions of their result${has("authorization_strategy") ? "; or limit the issuer to its scopes:\n  authorization_strategy = capability" : "."}
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      For ${vo_title} (${place}): turn -non-authz-id of
      gplazma.oidc.provider!${name} into -authz-id (or drop it when the
      provider has one) and delete every op:${name} multimap line; oidcgrp:
      lines then add groups to no identity, and a token without storage scopes
      gets nothing (wlcg-authz-docs dcache.md: "never include any mapping for
      op:atlas or oidcgrp:/atlas").
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/requirements.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
    "https://github.com/xrootd/xrootd/issues/2121",
  ]
}

check "log-token-leak" {
  title    = "Log or trace level that writes bearer tokens"
  severity = "high"
  rationale = <<-EOT
    Bearer tokens in logs can be replayed by anyone who reads the logs, log
    shippers and backups included. TTT working group: tokens "can be leaked
    easily thanks to their text based form (leaking through logs)". XRootD
    with xrootd.trace all logs authz=Bearer%20<token> for every request;
    http.trace debug|all logs the Authorization header before XRootD 5.7.0
    (xrootd#2222).
  EOT
  remediation = <<-EOT
    Turn the debug or trace level that writes bearer tokens off once
    debugging is done, search the old logs for leaked tokens (ttt-check
    logs), and if tracing must stay on for a while, waive this finding with
    an expiry date.
  EOT
  fix "xrootd" {
    text = <<-EOT
      In ${file}, delete line ${line} (${key} ${values}), or drop ${levels} from
      it, once debugging is done. XRootD 5.7.2 redacts the HTTP trace lines;
      6.0.0 and later need strip-on-redirect on redirectors. Then search the
      old logs: ttt-check logs /var/log/xrootd
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, delete line ${line} (${key} ${values}), or drop ${levels} from
      it: the EOS manual's example turns it on. Then search the old logs:
      ttt-check logs /var/log/eos
    EOT
  }
  fix "eos" {
    case = "builtin"
    text = <<-EOT
      No setting turns this off: EOS writes the token of every failed token
      authorization into the MGM log (Mapping::IdMap). Keep /var/log/eos
      readable by root only and out of log shipping not cleared for secrets,
      rotate it often, and search it: ttt-check logs /var/log/eos
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, [arex] line ${line}: loglevel = 3 (INFO) instead of
      ${values}: at DEBUG A-REX logs the bearer token of every request. Then
      search the old logs: ttt-check logs /var/log/arc
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, line ${line}: delete ${key} = ${values} (or set it to info):
      at debug gPlazma's oidc plugin logs the bearer token. Then search the
      old logs: ttt-check logs /var/log/dcache
    EOT
  }
  references = [
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M07-240528.md",
    "https://github.com/xrootd/xrootd/issues/2222",
    "https://github.com/PelicanPlatform/pelican/issues/604",
  ]
}

check "token-in-url" {
  title    = "Tokens copied into URLs that leave the host"
  severity = "medium"
  rationale = <<-EOT
    RFC 6750 §2.3 warns that URLs carrying access tokens get logged. With
    `http.header2cgi Authorization authz`, XRootD moves the bearer token into
    the CGI and includes it in redirect URLs (xrootd PR #970): on a
    redirector the token then reaches clients' and data servers' logs. A
    proxy does not redirect: it forwards the client's CGI, token included,
    in its request URLs to the origin (XrdPssUrlInfo), into the origin's
    logs. On a plain data server that does not redirect this is info.
  EOT
  remediation = <<-EOT
    Do not let bearer tokens travel in URLs that leave the host: strip them
    from redirect URLs, or do not copy the Authorization header into the
    URL where the host redirects or proxies.
  EOT
  fix "xrootd" {
    text = <<-EOT
      ${known() ? (has("strip-on-redirect") ? "${release()} has strip-on-redirect: write\n  ${new}\n(${place})" : "${release()} has no strip-on-redirect: upgrade to XRootD ${since("strip-on-redirect")} or later and write\n  ${new}\nUntil then, do not copy the Authorization header on redirectors and proxies: delete line ${line} of ${file}.") : "The installed XRootD release is unknown. On XRootD ${since("strip-on-redirect")} or later write, at ${place},\n  ${new}\nOn older releases, which ignore strip-on-redirect, do not copy the Authorization header on redirectors and proxies."}
    EOT
  }
  fix "xrootd" {
    case = "proxy"
    text = <<-EOT
      In ${file}, delete line ${line} (${key} ${values}) for the proxy:
      strip-on-redirect does not apply, a proxy forwards the CGI to its origin.
      If the proxy must pass clients' tokens on, make sure the origin does not
      log request URLs (no http.trace request or all, no xrootd.trace fs or
      all there).
    EOT
  }
  fix "xrootd" {
    case = "server"
    text = <<-EOT
      Nothing leaks while this instance serves data without redirecting. If
      it becomes a redirector, write ${new} (XRootD
      ${since("strip-on-redirect")} or later), or copy the header only on data
      servers.
    EOT
  }
  fix "eos" {
    text = <<-EOT
      ${known() ? (has("strip-on-redirect") ? "${release()} has strip-on-redirect: write\n  ${new}\n(${place}); the MGM redirects every client to an FST." : "${release()} has no strip-on-redirect: upgrade to XRootD ${since("strip-on-redirect")} or later and write\n  ${new}\nUntil then delete line ${line} of ${file}: the MGM redirects every client to an FST.") : "The installed XRootD release is unknown. On XRootD ${since("strip-on-redirect")} or later write, at ${place},\n  ${new}\n(the MGM redirects every client to an FST); on older releases do not copy the Authorization header."}
    EOT
  }
  references = [
    "https://github.com/xrootd/xrootd/blob/v6.1.0/src/XrdPss/XrdPssUrlInfo.cc",
    "https://github.com/xrootd/xrootd/pull/970",
    "https://github.com/xrootd/xrootd/pull/2439",
    "https://datatracker.ietf.org/doc/html/rfc6750#section-2.3",
  ]
}

check "upgrade-pending" {
  title    = "Package-manager leftover beside a scanned config"
  severity = "low"
  rationale = <<-EOT
    A .rpmnew, .rpmsave or .dpkg-dist file means an upgrade shipped a new
    config that was not merged (or the admin's file was set aside). The
    running service may lack new secure defaults, or run a config the admin
    did not mean to keep.
  EOT
  remediation = <<-EOT
    Compare the leftover with the live file (diff), merge what the new
    package brings, and remove the leftover.
  EOT
  fix "any" {
    text = <<-EOT
      Compare ${file} with the live file beside it (diff), merge what the new
      package brings into the live file, and remove ${file}.
    EOT
  }
  references = [
    "https://rpm-software-management.github.io/rpm/manual/spec.html",
  ]
}

check "scan-incomplete" {
  title    = "Config file could not be read or parsed"
  severity = "high"
  rationale = <<-EOT
    A config ttt-check cannot read or parse is a trust it cannot judge. It is
    reported rather than skipped, because a silent pass on unreadable input
    is worse than no check at all. The service itself may read the file
    differently, or refuse to start.
  EOT
  remediation = <<-EOT
    Fix the file named in the finding (the reason says what failed), or make
    it readable to the scan. Check that the service starts with it.
  EOT
  fix "any" {
    text = <<-EOT
      Fix ${place} as the finding says: nothing it configures was judged.
      Make it readable and parsable, and check that the service starts with
      it.
    EOT
  }
  references = [
    "https://github.com/goss-org/goss/issues/457",
  ]
}

check "waiver-expired" {
  title    = "Site-profile waiver past its expiry date"
  severity = "low"
  rationale = <<-EOT
    A waiver accepts a deviation for a time. Once it expires the deviation is
    open again: its findings count against the host, and the waiver itself
    is reported so that it is renewed on purpose or removed.
  EOT
  remediation = <<-EOT
    Fix the deviation and remove the waiver, or renew it in the site profile
    with a new expires date, a reason and an approver.
  EOT
  fix "any" {
    text = <<-EOT
      Fix the deviation and remove the waiver at ${place}, or renew it there
      with a new expires date, a reason and an approver.
    EOT
  }
  references = [
    "https://github.com/inspec/inspec/issues/5794",
  ]
}

check "waiver-unused" {
  title    = "Site-profile waiver that matches no finding"
  severity = "low"
  rationale = <<-EOT
    A waiver that matches nothing is either left over from a fixed deviation
    or mistyped (check id, service or file glob) — and then does not waive
    what it was written for.
  EOT
  remediation = <<-EOT
    Remove the waiver, or correct its check, service or file so that it
    matches the finding it is meant for.
  EOT
  fix "any" {
    text = <<-EOT
      Remove the waiver at ${place}, or correct its check, service or file
      so that it matches the finding it is meant for.
    EOT
  }
  references = [
    "https://github.com/ComplianceAsCode/content/issues/1718",
  ]
}

check "site-rule-unmatched" {
  title    = "Site rule that matches nothing on this host"
  severity = "info"
  rationale = <<-EOT
    A site rule (a rule file in /etc/ttt-check/rules.d, or --rules DIR)
    whose where selects no item on a host judges nothing there and so can
    never fail: a mistyped value (service.kind == "storgae") makes a policy
    look enforced while it is not. Policy tools that let sites write their
    own rules ask for tests that show a rule both passing and failing for
    the same reason; on every scanned host this note is the cheap version
    of that. A rule meant for some hosts only says so with when, and is
    then not reported where when is false.
  EOT
  remediation = <<-EOT
    Correct the rule's where (the finding's file:line is the rule block),
    or limit the rule to the hosts it is meant for with when, e.g.
      when = length([for s in host.services : s if s.kind == "storage"]) > 0
    and give the rule a test case on a host it applies to
    (ttt-check rules test DIR). A rule that is meant to match nothing on a
    host can be waived there (check = "site-rule-unmatched", file = the
    rule file).
  EOT
  references = [
    "https://www.conftest.dev/",
    "https://www.openpolicyagent.org/docs/policy-testing",
  ]
}

check "ban-shadowed" {
  title    = "Ban that never takes effect"
  severity = "high"
  rationale = <<-EOT
    Services that evaluate rules in order stop at the first match. A ban
    placed after a rule that already maps or admits the same identity is
    never reached: the admin believes an identity is locked out while it
    still works. HTCondor-CE reads mapfiles "in lexicographic order and …
    will use the first line that matches", so a ban in 90-ban.conf loses
    to a matching line in 10-scitokens.conf. With no central banning after
    Argus, these local bans are what a site has in an incident.
  EOT
  remediation = <<-EOT
    Move the ban before every rule that matches the same identity: the
    first rule that matches decides.
  EOT
  fix "htcondor-ce" {
    text = <<-EOT
      Move the ban at ${place} before ${target}:${target_line}, which maps
      the same identity first: put the line in a mapfile that sorts first,
      e.g. /etc/condor-ce/mapfiles.d/00-ban.conf (mapfiles are read in lexical
      order and the first line that matches wins).
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, move the ban at line ${line} (${name}) above line
      ${target_line} of the same authgroup: the first rule that matches
      decides the membership.
    EOT
  }
  fix "arc-ce" {
    case = "list"
    text = <<-EOT
      Ban with a negative rule (-authtokens … or -authtokensgen …) first in
      every authgroup that [mapping] and [queue:…] allowaccess use:
      denyaccess in [arex/ws/jobs] (${place}) does not gate ARC 7's REST
      interface wherever it stands.
    EOT
  }
  fix "arc-ce" {
    case = "inert"
    text = <<-EOT
      The ban at ${place} is never evaluated (${actual}): ban with a negative
      rule first in every authgroup that [mapping] and [queue:…] allowaccess
      use.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      In /etc/storm/webdav/config/application.yml, move the deny policy at
      ${place} before the policy at ${target}:${target_line}: the first policy
      that applies decides. It holds only in storage areas with
      orgsGrantReadPermission=false and orgsGrantWritePermission=false.
    EOT
  }
  fix "storm-webdav" {
    case = "inert"
    text = <<-EOT
      The deny policy at ${place} is never evaluated (${actual}): set
      fineGrainedAuthzEnabled=true in the storage area, or remove the policy.
    EOT
  }
  references = [
    "https://github.com/htcondor/htcondor-ce/blob/main/config/mapfiles.d/90-ban.conf",
    "https://github.com/htcondor/htcondor-ce/blob/c0b725f50adc92a8dc7bf6f07272a7247210a928/docs/v23/configuration/authentication.md",
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M08-250624.md",
  ]
}

check "legacy-gsi" {
  title    = "GSI, Argus or LCMAPS remnants"
  severity = "low"
  rationale = <<-EOT
    GSI was removed from HTCondor-CE's method list in 23.0.6 and its
    configuration in 23.0.17. GSI methods, GSI mapfile lines,
    /etc/grid-security/gsi-authz.conf and Argus or LCMAPS callouts are
    remnants that keep X.509 proxy paths open or make the effective
    configuration hard to read.
  EOT
  remediation = <<-EOT
    Remove GSI authentication, GSI mapfile lines, gsi-authz.conf and
    Argus or LCMAPS callouts once tokens are in production.
  EOT
  fix "htcondor-ce" {
    case = "method"
    text = <<-EOT
      In ${file}, line ${line}: drop GSI from ${key}; HTCondor removed GSI in
      10.2.0 and warns about it. Keep the methods to FS, SCITOKENS and SSL.
    EOT
  }
  fix "htcondor-ce" {
    case = "mapfile"
    text = <<-EOT
      In ${file}, delete line ${line} (${name}): GSI is gone from HTCondor
      since 10.2.0, the line maps nothing.
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      Remove ${file}: the Globus callout it configures is never used once
      GSI is gone (HTCondor 10.2.0).
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, line ${line}: remove the block or plugin once tokens are in
      production (gridftpd, Argus and LCAS/LCMAPS see X.509 proxies only);
      ARC 7 refuses these blocks, so they must go before an upgrade.
    EOT
  }
  references = [
    "https://github.com/nordugrid/arc/blob/next/src/doc/arc.conf.reference",
    "https://github.com/htcondor/htcondor-ce/blob/99a852c0e6a6d52ce653034bcf7285a256e7173a/docs/v23/releases.md",
    "https://github.com/htcondor/htcondor-ce/blob/3790275a8512317e88802e625c6a0496d55c2baf/docs/v5/releases.md",
  ]
}

check "authn-anonymous" {
  title    = "Anonymous or claimed identities can write"
  severity = "high"
  rationale = <<-EOT
    CLAIMTOBE lets a client state any identity; ANONYMOUS establishes none.
    Usable at WRITE level they let anyone submit or modify jobs as whoever
    they claim — unless the mapfile maps them to one identity that
    DENY_WRITE refuses, as HTCondor-CE's own mapfiles.d/50-common-default.conf
    (CLAIMTOBE → anonymous@claimtobe) and DENY_WRITE = anonymous@* do (a
    DENY entry beats every ALLOW). ALLOW_WRITE or ALLOW_ADMINISTRATOR open
    to * (HTCondor's own security:recommended sets ALLOW_WRITE = *, which
    HTCondor-CE narrows to $(USERS) in 05-ce-auth-defaults.conf) admit
    every authenticated, mapped identity (and anonymous ones unless the
    matching DENY list refuses them). An open ALLOW_ADMINISTRATOR is
    reported as critical.
  EOT
  remediation = <<-EOT
    Keep WRITE authentication to methods that establish an identity, and
    the service's own ALLOW lists; do not open them to everybody.
  EOT
  fix "htcondor-ce" {
    case = "method"
    text = <<-EOT
      In ${file}, line ${line}: drop ${name} from ${key},
        SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS = FS,SCITOKENS,SSL
      (HTCondor-CE's default).
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      In ${file}, delete line ${line} (${key} = ${values}) and keep
      HTCondor-CE's defaults: ALLOW_WRITE = $(USERS),
      condor@$(UID_DOMAIN)/$(FULL_HOSTNAME) and ALLOW_ADMINISTRATOR =
      $(SUPERUSERS).
    EOT
  }
  references = [
    "https://github.com/htcondor/htcondor-ce/blob/main/config/05-ce-auth-defaults.conf",
    "https://github.com/htcondor/htcondor/blob/main/src/condor_utils/param_info.in",
  ]
}

check "scope-unchecked" {
  title    = "ARC 7 without token scope limits"
  severity = "medium"
  rationale = <<-EOT
    ARC 7 maps operations to token scopes only when [arex] tokenscopes is
    set; A-REX's authop.cpp: "No assigned scopes means no limitation". An
    admitted token then may create, cancel and delete every job of its
    account, whatever compute.* scopes it carries.
  EOT
  remediation = <<-EOT
    Let the service enforce the WLCG compute scopes for every job
    operation.
  EOT
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, add to [arex]:
        tokenscopes = wlcg
      (jobinfo=compute.read, jobcreate=compute.create, jobcancel and
      jobdelete=compute.cancel, …).
    EOT
  }
  references = [
    "https://www.nordugrid.org/arc/arc7/admins/reference.html",
    "https://github.com/nordugrid/arc/blob/next/src/services/a-rex/authop.cpp",
  ]
}

check "config-dangling-reference" {
  title    = "Reference to something the configuration does not define"
  severity = "medium"
  rationale = <<-EOT
    An allowaccess, denyaccess or mapping that names an authgroup that does
    not exist (or is commented out) matches nobody, silently: a deny or a
    mapping the admin relies on does nothing. ARC's own configuration
    validator (arcctl config verify) does not flag it.
  EOT
  remediation = <<-EOT
    Define what the statement names, or remove the statement.
  EOT
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, line ${line}: define ${name} ([authgroup:…]) or remove the
      statement. A queue whose only allowaccess names it is closed to
      everybody; a map_to_user for it maps nobody.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, line ${line}: define the provider the line names
      (gplazma.oidc.provider!<alias> in the gPlazma section of the layout), or
      delete the line: it matches no token.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      In ${file}, line ${line}: add ${name} to oauth.issuers in
      /etc/storm/webdav/config/application.yml (with its audience check), or
      remove it from orgs: StoRM accepts tokens only from issuers listed in
      both.
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/nordugrid/arc/blob/master/src/doc/arc.conf.reference",
  ]
}

check "legacy-config" {
  title    = "Configuration the running release no longer uses"
  severity = "low"
  rationale = <<-EOT
    Blocks and plugins from an older release or the X.509 era ([authtokens]
    on ARC 7, [arex/ws/argus], gridftpd blocks, LCAS/LCMAPS plugins) are
    ignored or rejected by the running service, or keep proxy-era paths
    alive; they make the effective configuration hard to read.
  EOT
  remediation = <<-EOT
    Remove the obsolete block, property or plugin: the running release
    ignores or rejects it.
  EOT
  fix "arc-ce" {
    text = <<-EOT
      In ${file}, remove the ${name} (line ${line}): the running ARC release
      ignores or rejects it${name == "[authtokens] block" ? "; ARC 7 processes tokens without it, and arcctl config verify rejects it, so A-REX does not start" : ""}.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, delete line ${line} (${name})${name == "gplazma.oidc.hostnames" ? "; name each trusted issuer with gplazma.oidc.provider!ALIAS = URL -profile=wlcg -prefix=<area> -authz-id=…" : ""}${name == "the scitoken plugin" ? "; authenticate tokens with auth optional oidc and -profile=wlcg providers, which authorize by the token's scopes" : ""}${name == "the argus plugin" ? "; from dCache 10.2 on every login fails while it is there" : ""}.
    EOT
  }
  references = [
    "https://github.com/nordugrid/arc/blob/next/src/doc/arc.conf.reference",
    "https://github.com/nordugrid/arc/blob/master/src/doc/arc.conf.reference",
  ]
}

check "access-open" {
  title    = "Job interface open to every authenticated identity"
  severity = "high"
  rationale = <<-EOT
    ARC validates a token's signature with keys fetched from its issuer
    and checks no issuer list (OTokensSecAttr); what A-REX then enforces is
    the mapping: every identity [mapping] maps gets a user configuration
    and may use the job interface, and queues admit by allowaccess. An
    authgroup with `all = yes` that is mapped, or admitted to a queue,
    opens the CE to any token whose issuer publishes keys over HTTPS. The
    reference says an [arex/ws/jobs] without allowaccess is "open to
    everybody authenticated"; the code does not consult that list at all on
    ARC 6.9-6.21 nor for ARC 7's REST interface, so it is not judged.
    StoRM WebDAV and XRootD: a policy or storage area that gives anyone
    write access.
  EOT
  remediation = <<-EOT
    Admit only identities with token or subject rules, never everybody who
    authenticates, and give no anonymous access to a VO's area.
  EOT
  fix "arc-ce" {
    case = "mapping"
    text = <<-EOT
      In ${file}, line ${line}: do not map authgroup ${name} (all = yes): map
      only authgroups with token or subject rules,
        map_to_user = <authgroup with pinned subjects> <account>
      with policy_on_nomap = stop; `ttt-check recipe arc-ce` prints them.
    EOT
  }
  fix "arc-ce" {
    case = "queue"
    text = <<-EOT
      In ${file}, line ${line}: list in [${key}] allowaccess the authgroups of
      pinned pilot subjects instead of ${name} (all = yes), with any
      denyaccess before them.
    EOT
  }
  fix "storm-webdav" {
    case = "anonymous"
    text = <<-EOT
      In ${file}, line ${line}:
        anonymousReadEnabled=false
    EOT
  }
  fix "storm-webdav" {
    case = "policy"
    text = <<-EOT
      In /etc/storm/webdav/config/application.yml (${place}): give the policy
      principals that identify VO members (a jwt-group or vo principal), not
      anyone.
    EOT
  }
  references = [
    "https://github.com/nordugrid/arc/blob/v7.0.0rc3/src/services/a-rex/job.cpp",
    "https://github.com/nordugrid/arc/blob/v6.21.1/src/services/a-rex/arex.cpp",
    "https://github.com/nordugrid/arc/blob/master/src/doc/arc.conf.reference",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
  ]
}

check "config-unknown-key" {
  title    = "Setting the service does not know and silently ignores"
  severity = "medium"
  rationale = <<-EOT
    Services that ignore unknown keys turn a typo into a silent default.
    StoRM WebDAV reads storage-area properties through an interface with
    defaults: `orgsGrantReadPermissions=false` (with an s) is ignored and
    orgsGrantReadPermission keeps its default, true — every token of the
    issuer may read the whole area.
  EOT
  remediation = <<-EOT
    Rename the key to the one the service reads (the finding suggests the
    nearest), or remove it.
  EOT
  fix "storm-webdav" {
    text = <<-EOT
      In ${file}, line ${line}: ${new != "" ? "rename ${key} to ${new}; until then StoRM keeps ${new}'s default" : "remove ${key}: StoRM does not read it"}.
    EOT
  }
  fix "xrootd" {
    case = "upgrade"
    text = <<-EOT
      ${installed} does not read ${key} (${place}): upgrade to ${since_release}
      or later, where it takes effect; until then the plugin behaves as if the
      line were absent.
    EOT
  }
  fix "eos" {
    case = "upgrade"
    text = <<-EOT
      ${installed} does not read ${key} (${place}): upgrade the MGM's XRootD to
      ${since_release} or later; until then the line has no effect.
    EOT
  }
  fix "any" {
    case = "upgrade"
    text = <<-EOT
      Upgrade (installed: ${installed}) to ${since_release} or later, where
      ${key} takes effect; until then the service behaves as if the line were
      absent (${place}).
    EOT
  }
  fix "xrootd" {
    text = <<-EOT
      In ${file}, line ${line}: ${new != "" ? "rename ${key} to ${new}" : "remove ${key}: the plugin does not read it"}.
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, line ${line}: ${new != "" ? "rename ${key} to ${new}" : "remove ${key}: the plugin does not read it"}.
    EOT
  }
  references = [
    "https://github.com/italiangrid/storm-webdav/blob/master/src/main/java/org/italiangrid/storm/webdav/config/OwnerStorageAreaInfo.java",
    "https://github.com/italiangrid/storm-webdav/blob/master/doc/storage-area-configuration.md",
  ]
}

check "token-lifetime-long" {
  title    = "Tokens living longer than the WLCG profile allows"
  severity = "medium"
  rationale = <<-EOT
    The WLCG profile's default maximum access-token lifetime is 6 hours
    (§4.3.1); longer lifetimes need an agreed, risk-assessed mitigation. A
    stolen long-lived token stays useful long after the theft. StoRM's
    built-in authorization server issues 12-hour tokens by default;
    XRootD's and EOS's XrdMacaroons mint and accept macaroons of up to
    24 hours unless macaroons.maxduration says otherwise (0 or less: no
    limit), and dCache's WebDAV doors of up to 7 days
    (webdav.macaroons.max-lifetime, dcache.macaroons.max-lifetime).
    (XRootD's ztn `-expiry` is not judged: whatever it says, scitokens-cpp
    requires an exp claim and refuses expired tokens.)
  EOT
  remediation = <<-EOT
    Keep the tokens a service issues within the WLCG profile's 6 hours (1 h
    recommended).
  EOT
  fix "storm-webdav" {
    text = <<-EOT
      In ${file}, line ${line}, under storm.authz-server:
          max-token-lifetime-sec: 3600
      (StoRM's built-in authorization server issues 12-hour tokens by default).
    EOT
  }
  fix "xrootd" {
    text = <<-EOT
      In ${file}, set the longest macaroon XrdMacaroons mints or accepts
      (${line == 0 ? "add the line; its default is 24 hours" : "line ${line}"}):
          macaroons.maxduration 21600
      (seconds: 6 hours; 3600 recommended; 0 or less means no limit).
    EOT
  }
  fix "eos" {
    text = <<-EOT
      In ${file}, set the longest macaroon the MGM's XrdMacaroons mints or
      accepts (${line == 0 ? "add the line; its default is 24 hours" : "line ${line}"}):
          macaroons.maxduration 21600
      (seconds: 6 hours; 3600 recommended; 0 or less means no limit).
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      In ${file}, for the WebDAV door (or in dcache.conf for every door),
      limit the macaroons it mints (the default is 7 days):
          webdav.macaroons.max-lifetime = 6
          webdav.macaroons.max-lifetime.unit = HOURS
      (dcache.macaroons.max-lifetime and .unit set the default of all doors).
    EOT
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/common-jwt-profile/blob/master/profile.md",
    "https://github.com/italiangrid/storm-webdav/blob/master/src/main/resources/application.yml",
    "https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdMacaroons/XrdMacaroonsConfigure.cc",
    "https://github.com/dCache/dcache/blob/11.2.5/skel/share/defaults/dcache.properties",
    "https://github.com/scitokens/scitokens-cpp/blob/v1.4.1/src/scitokens_internal.h",
  ]
}

check "logs-token-leaked" {
  title    = "Bearer token leaked into a log"
  severity = "high"
  rationale = <<-EOT
    A bearer token is a key: whoever reads it can use it until it expires,
    for everything its scopes allow, at every service its audience names.
    Tokens reach logs through debug traces (XRootD xrootd.trace all, ARC
    loglevel DEBUG, gPlazma DEBUG), tokens in URLs and copied command lines.
    TTT working group: tokens "can be leaked easily thanks to their text
    based form (leaking through logs)". A token still valid at scan time is
    critical; an expired one is high — it shows the leak path is open.
  EOT
  remediation = <<-EOT
    Turn off the trace or debug level that wrote it (see log-token-leak),
    restrict and purge the affected logs and their copies (log shippers,
    backups), and for a token still valid ask its issuer's VO to revoke the
    client or wait out its expiry. The finding names the token only by its
    fingerprint (sha256 prefix) and its claims.
  EOT
  fix "xrootd" {
    text = <<-EOT
      Turn off the XRootD trace that wrote it (xrootd.trace fs or all,
      http.trace debug or request in /etc/xrootd: see log-token-leak), restrict
      and purge ${file} and its copies, and for a token still valid ask the VO
      of ${issuer} to revoke the client or wait out its expiry.
    EOT
  }
  fix "eos" {
    text = <<-EOT
      EOS writes the token of every failed token authorization into the MGM
      log: restrict and purge ${file} and its copies, and for a token still
      valid ask the VO of ${issuer} to revoke the client or wait out its
      expiry.
    EOT
  }
  fix "arc-ce" {
    text = <<-EOT
      Set loglevel below DEBUG in [arex] of /etc/arc.conf, restrict and purge
      ${file} and its copies, and for a token still valid ask the VO of
      ${issuer} to revoke the client or wait out its expiry.
    EOT
  }
  fix "dcache" {
    text = <<-EOT
      Set dcache.log.level.* below debug, restrict and purge ${file} and its
      copies, and for a token still valid ask the VO of ${issuer} to revoke
      the client or wait out its expiry.
    EOT
  }
  fix "htcondor-ce" {
    text = <<-EOT
      Find what wrote it (a debug level such as SCHEDD_DEBUG in
      /etc/condor-ce/config.d, or a token passed in a job's arguments or
      environment), restrict and purge ${file} and its copies, and for a token
      still valid ask the VO of ${issuer} to revoke the client or wait out its
      expiry.
    EOT
  }
  fix "storm-webdav" {
    text = <<-EOT
      Lower the log levels in /etc/storm/webdav/logback.xml, restrict and
      purge ${file} and its copies, and for a token still valid ask the VO of
      ${issuer} to revoke the client or wait out its expiry.
    EOT
  }
  fix "any" {
    text = <<-EOT
      Find what wrote it, restrict and purge ${file} and its copies, and for a
      token still valid ask the VO of ${issuer} to revoke the client or wait
      out its expiry.
    EOT
  }
  references = [
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M07-240528.md",
    "https://github.com/xrootd/xrootd/issues/2222",
    "https://datatracker.ietf.org/doc/html/rfc6750#section-5.3",
  ]
}

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
    Remove the development VO's issuer from production services and use DTeam
    (https://dteam-auth.cern.ch/) for site tests. XRootD: delete the
    [Issuer …] section with issuer = https://wlcg.cloud.cnaf.infn.it/ from
    scitokens.cfg and add
      [Issuer DTEAM]
      issuer = https://dteam-auth.cern.ch/
      base_path = /<your dteam area>
      authorization_strategy = capability
    If the host really is a testbed, say so in the site profile
    (environment = "testbed", or a [[hosts]] override).
  EOT
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
    Replace the catch-all rule with one rule per trusted issuer of a
    supported VO, each pinned to the issuer's exact string (with its
    trailing slash) and, on compute elements, to the published pilot
    subjects. HTCondor-CE: anchor every SCITOKENS pattern and escape every
    character that is not a letter or digit, as the finding's "expected"
    line shows, e.g.
      SCITOKENS /^https\:\/\/atlas\-auth\.cern\.ch\/,7dee38a3\-6ab8\-4fe2\-9e4c\-58039c21d817$/ usatlas1
  EOT
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
    Trust the VO's current issuer (https://<vo>-auth.cern.ch/) and remove the
    *-auth.web.cern.ch entry once the VO confirms it no longer issues tokens
    from it. XRootD: delete the old [Issuer …] section in scitokens.cfg.
  EOT
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
    Write the issuer exactly as the VO publishes it, for example
    https://cms-auth.cern.ch/ (https, lower case, trailing slash). The
    finding's "expected" value is the known issuer it resembles.
  EOT
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
    Trust https://dteam-auth.cern.ch/ with a small dedicated area and an
    unprivileged account. XRootD:
      [Issuer DTEAM]
      issuer = https://dteam-auth.cern.ch/
      base_path = /data/dteam
      authorization_strategy = capability
  EOT
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
    List only audiences that name this endpoint: https://<host>[:port],
    roots://<host>:1094, the bare host name, and a load-balanced alias the
    host serves. XRootD scitokens.cfg:
      [Global]
      audience = roots://xrd.example.org:1094, https://xrd.example.org:1094, xrd.example.org
    If the compliance testbed needs the any audience, waive this finding in
    the site profile with an expiry date.
  EOT
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
    Configure the endpoint's audiences. XRootD scitokens.cfg:
      [Global]
      audience = roots://<host>:1094, https://<host>:1094, <host>
  EOT
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
    Authorize by the token's scopes, or map only pinned robot subjects.
    XRootD: remove acc.authdb `o <issuer>` rules and name_mapfile rules
    that match every token; give rights through scopes.
  EOT
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
    Give the default_user name no rights in acc.authdb: let the token's
    scopes authorize (authorization by capability needs no authdb rule),
    and grant authdb rights to named local users or groups that tokens are
    not mapped to. Or drop default_user where nothing needs the name.
  EOT
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
    service account without administrative rights). XRootD: default_user =
    xrootd or a per-VO account, never root.
  EOT
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
    Restrict each issuer to its VO's area. XRootD scitokens.cfg:
      [Issuer ATLAS]
      base_path = /data/atlas
  EOT
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
    In scitokens.cfg [Global] set onmissing = passthrough (the default: hand
    over to acc.authdb) or onmissing = deny.
  EOT
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
    XRootD scitokens.cfg: add authorization_strategy = capability to the
    VO's [Issuer …] section (XRootD >= 5.7.0), and keep wlcg.groups
    mappings out of the production acc.authdb.
  EOT
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
    Remove the debug trace options once debugging is done (XRootD: drop
    `xrootd.trace all` and `http.trace all|debug`), upgrade XRootD to >=
    5.7.2, and scan old logs for leaked tokens. If tracing must stay on for
    a while, waive this finding with an expiry date.
  EOT
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
    On a redirector with XRootD >= 6.0.0 add strip-on-redirect:
      http.header2cgi Authorization authz strip-on-redirect
    On older releases, and on proxies (strip-on-redirect does not act on
    what a proxy forwards), do not copy the Authorization header into the
    CGI.
  EOT
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
    Move the ban before every rule that matches the same identity.
    HTCondor-CE: put the `SCITOKENS /^<issuer>,<subject>$/ user@banned.htcondor.org`
    line in a mapfile that sorts first (e.g. /etc/condor-ce/mapfiles.d/00-ban.conf),
    or above the matching line in the same file.
  EOT
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
    Remove GSI from every SEC_*_AUTHENTICATION_METHODS, delete GSI lines
    from the mapfiles and /etc/grid-security/gsi-authz.conf, and drop
    Argus/LCMAPS callouts once tokens are in production.
  EOT
  references = [
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
    Keep WRITE authentication to FS, SCITOKENS and SSL
    (SCHEDD.SEC_WRITE_AUTHENTICATION_METHODS = FS,SCITOKENS,SSL), and keep
    HTCondor-CE's defaults ALLOW_WRITE = $(USERS), condor@$(UID_DOMAIN)/$(FULL_HOSTNAME)
    and ALLOW_ADMINISTRATOR = $(SUPERUSERS); do not override them with *.
  EOT
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
    Add to [arex]:
      tokenscopes = wlcg
    (jobinfo=compute.read, jobcreate=compute.create, jobcancel and
    jobdelete=compute.cancel, …).
  EOT
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
    Define the referenced authgroup, or remove the statement that names it.
  EOT
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
    Remove the obsolete block or plugin; on ARC 7 token processing needs no
    [authtokens] block.
  EOT
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
    ARC: map only authgroups with token or subject rules ([mapping]
    map_to_user/map_to_pool), and list in each [queue:…] allowaccess the
    authgroups of pinned pilot subjects, with any denyaccess before them.
  EOT
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
    StoRM: set storm.authz-server.max-token-lifetime-sec to 21600 or less
    (3600 recommended).
  EOT
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
  references = [
    "https://github.com/TTT-WG/TTT-WG/blob/main/meetingminutes/TTT-M07-240528.md",
    "https://github.com/xrootd/xrootd/issues/2222",
    "https://datatracker.ietf.org/doc/html/rfc6750#section-5.3",
  ]
}

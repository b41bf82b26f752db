# Reference expectations per service.

service "xrootd" {
  components = ["xrootd"]
  # The WG recipe maps tokens to default_user = xrootd (wlcg-authz-docs
  # configuration/xrootd.md), so only root is privileged here.
  privileged_accounts = ["root"]
  # scitokens-cpp accepts ANY and https://wlcg.cern.ch/jwt/v1/any whatever
  # the configured audiences (scitokens-cpp aud_validator).
  implicit_any_audience = true
  # XrdSciTokensAccess.cc: passthrough (default) hands over to the next
  # plugin, deny refuses; allow authorizes immediately.
  allowed_onmissing = ["passthrough", "deny"]
  # Roles in which XRootD sends clients elsewhere with a redirect URL.
  redirecting_roles = ["manager", "supervisor", "meta", "proxy"]

  log_leak "xrootd.trace" {
    # The fs level (and all, unless -fs) traces requests with their CGI:
    # do_Open (src/XrdXrootd/XrdXrootdXeq.cc) logged
    # `open rt /data/f?authz=Bearer%20eyJ…` before v5.7.0 (shown with the
    # real xrootd 5.5.3, TestLiveTraceLeak) and cuts the CGI from v5.7.0
    # on; do_Locate still traces `locate … <path>?authz=…` before rpCheck
    # splits the CGI off, in every release up to v6.1.0.
    values = ["fs"]
    note   = "open requests before XRootD 5.7.0, locate requests in every release"
  }
  log_leak "http.trace" {
    # xrootd#2222: the debug level logs the Authorization header and the
    # authz CGI (all, unless -debug). Commit 4c184bc8b (v5.7.0) obfuscates
    # the header lines (XrdHttpProtocol.cc) and the "Appended header fields
    # to opaque info" line (XrdHttpReq.cc).
    values = ["debug"]
    before = "5.7.0"
  }
  log_leak "http.trace" {
    # On a host that redirects, the request level logs the redirect
    # Location with its authz CGI (XrdHttpReq::Redir, TestLiveTraceLeak,
    # TestLiveRedirectCarriesToken). b4d02a0a9 (v5.7.2) obfuscates it.
    values             = []
    redirecting_values = ["request"]
    before             = "5.7.2"
  }
  log_leak "http.trace" {
    # v6.0.0 (e461677c6, 22967ecd2) dropped that obfuscation in favour of
    # stripping the CGI from the Location, but only the parameters named
    # by strip-on-redirect: without it the trace shows the token again.
    values             = []
    redirecting_values = ["request"]
    from               = "6.0.0"
    unless_word        = ["http.header2cgi", "strip-on-redirect"]
  }
  log_leak "pss.debug" {
    # A proxy (XCache) with pss.debug traces every URL it opens at the
    # origin, the client's CGI included: copyCGI drops only xrd. and
    # xrdcl. names (XrdPssUrlInfo.cc) and XrdPss.cc logs DEBUG
    # "url=<pbuff>" (v5.7.0 L366, L410, L848). b4d02a0a9 (v5.7.2) logs
    # obfuscateAuth(pbuff) instead. pss.trace sets only the client's log
    # level (XrdOucPsx::ParseTrace: on, debug, all are XrdCl's Error,
    # Warning, Info): no URL. ofs.trace, xrd.trace, scitokens.trace and
    # macaroons.trace trace paths, connections, token claims and macaroon
    # caveats, never the token itself.
    values = ["on"]
    before = "5.7.2"
    note   = "the proxy's debug trace prints the origin URL with the client's authz CGI"
  }
  references = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
    "https://github.com/xrootd/xrootd/blob/master/src/XrdSciTokens/README.md",
  ]
}

service "htcondor-ce" {
  # QUEUE_SUPER_USERS = condor, root (05-ce-auth-defaults.conf): tokens
  # mapped to either administer every job on the CE.
  privileged_accounts = ["root", "condor"]
  # scitokens-cpp accepts ANY and https://wlcg.cern.ch/jwt/v1/any whatever
  # SCITOKENS_SERVER_AUDIENCE says (htcondor-ce docs/v23/troubleshooting/common-issues.md at commit 1fb086fd521f).
  implicit_any_audience = true
  # "an HTCondor-CE running at condor.example.org may use an audience of
  # the form condor://condor.example.org" (WLCG profile §2.1.1);
  # wlcg-authz-docs doma-testbed.md adds condor://$(COLLECTOR_HOST).
  audience_scheme = "condor://"
  references = [
    "https://github.com/htcondor/htcondor-ce/blob/c0b725f50adc92a8dc7bf6f07272a7247210a928/docs/v23/configuration/authentication.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
  ]
}

service "arc-ce" {
  components = ["arc"]
  # "when grid-identity is mapped to "root" account - request processing
  # fails implicitely" (arc.conf.reference [mapping]); still never a target.
  privileged_accounts = ["root"]
  # The audience is a per-rule constraint in authtokens/authtokensgen;
  # https://github.com/nordugrid/arc/blob/master/README.OIDC:
  # "no additional requirements are imposed" on the token beyond the rules.
  audience_by_any_rule = true
  log_leak "arex.loglevel" {
    # OTokensSH.cpp logs "OTokens: Attr: token: bearer: %s" at DEBUG (5).
    # arcconfig-parser turns only the upper-case name DEBUG into 5
    # (config.py _process_config); "debug" is no level A-REX knows.
    values = ["5"]
  }
  references = [
    "https://www.nordugrid.org/arc/arc7/admins/reference.html",
    "https://github.com/nordugrid/arc/blob/master/src/doc/arc.conf.reference",
  ]
}

service "eos" {
  components = ["eos", "xrootd"]
  # EOS maps tokens to default_user (dteam001, atlas001 in the docs); root
  # and the daemon account are the MGM's own.
  privileged_accounts = ["root", "daemon"]
  implicit_any_audience = true
  allowed_onmissing     = ["passthrough", "deny"]
  redirecting_roles     = ["manager"]
  # The MGM runs XRootD's own protocol plugins: their traces leak as on
  # an XRootD server of the installed release (see service "xrootd").
  log_leak "http.trace" {
    component = "xrootd"
    values    = ["debug"]
    before    = "5.7.0"
    note      = "the EOS HTTP TPC documentation's example turns it on"
  }
  log_leak "http.trace" {
    component          = "xrootd"
    values             = []
    redirecting_values = ["request"]
    before             = "5.7.2"
  }
  log_leak "http.trace" {
    component          = "xrootd"
    values             = []
    redirecting_values = ["request"]
    from               = "6.0.0"
    unless_word        = ["http.header2cgi", "strip-on-redirect"]
  }
  log_leak "xrootd.trace" {
    component = "xrootd"
    values    = ["fs"]
    note      = "open requests before XRootD 5.7.0, locate requests in every release"
  }
  # No setting: Mapping::IdMap (common/Mapping.cc, from 5.1.17 to 5.5 and
  # master) logs a token that fails authorization, raw, at error level:
  # `jwt={…}[<token>]` for HTTPS, `authz="&authz=<token>"` for ztn.
  log_leak "" {
    component = "eos"
    values    = []
    from      = "5.1.17"
    note      = "EOS writes the raw bearer token of every request whose token authorization fails into the MGM log at error level (Mapping::IdMap), whatever the trace settings"
  }
  references = [
    "https://github.com/cern-eos/eos/blob/master/doc/configuration/http_tpc.rst",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
  ]
}

service "storm-webdav" {
  references = [
    "https://github.com/italiangrid/storm-webdav/blob/master/doc/storage-area-configuration.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/storm.md",
  ]
}

service "dcache" {
  privileged_accounts = ["root", "uid:0"]
  log_leak "dcache.log.level.file" {
    # OidcAuthPlugin.java: LOG.debug("Found bearer token: {}", token).
    values = ["debug", "trace", "all"]
  }
  references = [
    "https://github.com/dCache/dcache/blob/master/docs/TheBook/src/main/markdown/config-gplazma.md",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/dcache.md",
  ]
}

# Releases that change a verdict or a fix. A host whose package databases
# do not name the installed release is judged as oldest_supported, and the
# report says so.

component "xrootd" {
  title = "XRootD"
  # Debian 12 (bookworm), the oldest distribution release still carrying
  # the SciTokens plugin in its main archive, ships 5.5.3.
  oldest_supported = "5.5.0"
  features = {
    # XrdSciTokensAccess.cc Reconfig reads the key from these tags on.
    "username_claim"         = "5.6.0"
    "authorization_strategy" = "5.7.0"
    # XrdHttpProtocol.cc (commit 22967ecd2, first in v6.0.0); older
    # parseHeader2CGI reads two words and ignores the rest.
    "strip-on-redirect" = "6.0.0"
  }
  references = [
    "https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdSciTokens/XrdSciTokensAccess.cc",
    "https://github.com/xrootd/xrootd/blob/v6.0.0/src/XrdHttp/XrdHttpProtocol.cc",
    "https://github.com/xrootd/xrootd/issues/2222",
  ]
}

component "eos" {
  title = "EOS"
  # EOS 4 reached end of life; 5.2 is the oldest 5.x line sites still run.
  oldest_supported = "5.2.0"
  references = [
    "https://github.com/cern-eos/eos/blob/5.4.11/common/Mapping.cc",
  ]
}

component "arc" {
  title = "ARC"
  # Token rules (authtokens) came with 6.6.0; tokenscopes with 7.0.0.
  oldest_supported = "6.6.0"
  features = {
    "tokenscopes"   = "7.0.0"
    "authtokensgen" = "7.0.0"
  }
  references = [
    "https://github.com/nordugrid/arc/blob/master/src/doc/arc.conf.reference",
    "https://github.com/nordugrid/arc/blob/next/src/doc/arc.conf.reference",
  ]
}

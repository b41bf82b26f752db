# Reference expectations per service.

service "xrootd" {
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
    # XrdXrootdProtocol::do_Open (src/XrdXrootd/XrdXrootdXeq.cc) traces
    # TRACEP(FS, "open " <<opt <<' ' <<fn) before the opaque part is split
    # off, so the fs level (and all, unless -fs) logs
    # `open rt /data/f?authz=Bearer%20eyJ…`; shown with the real xrootd
    # 5.5.3 (internal/readers/xrootd, TestLiveTraceLeak).
    values = ["fs"]
  }
  log_leak "http.trace" {
    # xrootd#2222: the debug level logs headers and the authz CGI (all, unless
    # -debug); on a host that redirects, the request level logs the redirect
    # Location with its authz=Bearer CGI too (TestLiveTraceLeak,
    # TestLiveRedirectCarriesToken). XRootD 5.7.0 (commit 4c184bc8b)
    # redacts most of it, 5.7.2 the PSS/XrdCl paths.
    values             = ["debug"]
    redirecting_values = ["request"]
    note               = "XRootD < 5.7.0 logs the Authorization header; later versions redact most but not all paths"
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
  # "when grid-identity is mapped to "root" account - request processing
  # fails implicitely" (arc.conf.reference [mapping]); still never a target.
  privileged_accounts = ["root"]
  # The audience is a per-rule constraint in authtokens/authtokensgen;
  # https://github.com/nordugrid/arc/blob/master/README.OIDC:
  # "no additional requirements are imposed" on the token beyond the rules.
  audience_by_any_rule = true
  log_leak "arex.loglevel" {
    # OTokensSH.cpp logs "OTokens: Attr: token: bearer: %s" at DEBUG (5).
    values = ["5", "debug"]
  }
  references = [
    "https://www.nordugrid.org/arc/arc7/admins/reference.html",
    "https://github.com/nordugrid/arc/blob/master/src/doc/arc.conf.reference",
  ]
}

service "eos" {
  # EOS maps tokens to default_user (dteam001, atlas001 in the docs); root
  # and the daemon account are the MGM's own.
  privileged_accounts = ["root", "daemon"]
  implicit_any_audience = true
  allowed_onmissing     = ["passthrough", "deny"]
  redirecting_roles     = ["manager"]
  log_leak "http.trace" {
    values             = ["debug"]
    redirecting_values = ["request"]
    note               = "the EOS HTTP TPC documentation's example turns it on"
  }
  log_leak "xrootd.trace" {
    values = ["fs"]
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

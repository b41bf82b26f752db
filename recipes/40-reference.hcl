# The working group's reference configurations, per service: the files a
# correct token setup has, as HCL templates over this host's values.
# `ttt-check recipe SERVICE` renders them; the fixes of the checks
# (recipes/30-checks.hcl) write the same lines.
#
# Values (port, area, account, audiences) are templates over:
#   host, short_host, domain  the host's name, its first label, the rest
#   vo                        the VO's name (area and account)
#   host_area, host_account   what the host already gives the VO ("" if
#                             nothing, or nothing safe: "/" or a privileged
#                             account); an area is also guessed from the
#                             other VOs' (/data/atlas → /data/cms)
#   host_port, host_http_port the service's own ports, where it names them
#   port                      the port this reference settled on
# File paths and contents are templates over host, short_host, port,
# audiences, vos (name, title, issuer, area, account, capability_only,
# subjects: subject, short, description, account), vo (each_vo files),
# instances and excluded (XRootD: the instances that may copy the bearer
# token into the URL, and the ones that must not), and may call
# has(feature), since(feature) and release() for the installed release.
# Multi-line templates with %{ } directives are plain heredocs (<<EOT) at
# column 0: HCL's indented heredocs (<<-EOT) do not strip directives.

reference "xrootd" {
  title = "XRootD with the SciTokens plugin"
  about = <<-EOT
    One [Issuer] section per VO, restricted to the VO's area and, from
    XRootD 5.7.0 on, to authorization by the token's scopes; the
    audiences that name this endpoint; the plugin loaded by every
    instance, and the bearer token passed from HTTP to it only where that
    does not put tokens into redirect or proxy URLs. acc.authdb gives the
    default_user name no rights: tokens are authorized by their scopes.
  EOT
  port      = host_port != "" ? host_port : "1094"
  area      = host_area != "" ? host_area : "/data/${vo}"
  account   = "xrootd"
  audiences = ["roots://${host}:${port}", "https://${host}:${host_http_port != "" ? host_http_port : port}", host]
  sources = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
    "https://github.com/xrootd/xrootd/blob/master/src/XrdSciTokens/README.md",
    "https://github.com/xrootd/xrootd/issues/2121",
    "https://github.com/xrootd/xrootd/pull/2439",
  ]

  file {
    path  = "/etc/xrootd/scitokens.cfg"
    about = "the SciTokens plugin's configuration"
    sources = [
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
    ]
    content = <<EOT
[Global]
onmissing = passthrough
audience = ${join(", ", audiences)}
%{ for vo in vos ~}

[Issuer ${upper(vo.name)}]
issuer = ${vo.issuer}
base_path = ${vo.area}
map_subject = False
default_user = ${vo.account}
%{ if has("authorization_strategy") ~}
authorization_strategy = capability
%{ else ~}
# authorization_strategy = capability
# (read from XRootD ${since("authorization_strategy")} on; ${release()} ignores it)
%{ endif ~}
%{ endfor ~}
EOT
  }

  file {
    path  = "/etc/xrootd/config.d/50-tokens.cfg"
    about = "the directives that load the plugin, for every instance that ends with continue /etc/xrootd/config.d/"
    sources = [
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
      "https://github.com/xrootd/xrootd/blob/v6.1.0/src/XrdPss/XrdPssUrlInfo.cc",
    ]
    content = <<EOT
ofs.authorize 1
ofs.authlib ++ libXrdAccSciTokens.so config=/etc/xrootd/scitokens.cfg
%{ if length(excluded) > 0 ~}
# The bearer token is not copied into the URL on ${join(", ", excluded)}:
# proxies forward the CGI, token included, to their origin, and redirectors
# put it into redirect URLs unless strip-on-redirect (XRootD ${since("strip-on-redirect")}) removes it.
%{ endif ~}
%{ if length(excluded) > 0 && length(instances) > 0 ~}
if named ${join(" ", instances)}
%{ endif ~}
%{ if length(excluded) == 0 || length(instances) > 0 ~}
%{ if has("strip-on-redirect") ~}
http.header2cgi Authorization authz strip-on-redirect
%{ else ~}
http.header2cgi Authorization authz
%{ endif ~}
%{ endif ~}
%{ if length(excluded) > 0 && length(instances) > 0 ~}
fi
%{ endif ~}
EOT
  }
}

reference "eos" {
  title = "EOS MGM with the XRootD SciTokens plugin"
  about = <<-EOT
    The MGM loads XRootD's SciTokens plugin behind XrdMacaroons; its
    scitokens.cfg has one [Issuer] section per VO, restricted to the VO's
    directory and mapped to the VO's EOS account, authorizing by the
    token's scopes. The EOS manual's example trusts the development VO
    with base_path = / and turns on http.trace all: neither belongs on a
    production MGM.
  EOT
  port      = host_http_port != "" ? host_http_port : "9000"
  area      = host_area != "" ? host_area : "/eos/${vo}"
  account   = host_account != "" ? host_account : "${vo}001"
  audiences = ["roots://${host}:1094", "https://${host}:${port}", host]
  sources = [
    "https://github.com/cern-eos/eos/blob/5.4.11/doc/diopside/manual/protocols.rst",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
  ]

  file {
    path  = "/etc/xrootd/scitokens.cfg"
    about = "the SciTokens plugin's configuration the MGM reads"
    sources = [
      "https://github.com/cern-eos/eos/blob/5.4.11/doc/diopside/manual/protocols.rst",
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/xrootd.md",
    ]
    content = <<EOT
[Global]
onmissing = passthrough
audience = ${join(", ", audiences)}
%{ for vo in vos ~}

[Issuer ${upper(vo.name)}]
issuer = ${vo.issuer}
base_path = ${vo.area}
map_subject = False
default_user = ${vo.account}
%{ if has("authorization_strategy") ~}
authorization_strategy = capability
%{ else ~}
# authorization_strategy = capability
# (read from XRootD ${since("authorization_strategy")} on; ${release()} ignores it)
%{ endif ~}
%{ endfor ~}
EOT
  }

  file {
    path  = "/etc/xrd.cf.mgm"
    mode  = "append"
    about = "the token lines of the MGM's configuration"
    sources = [
      "https://github.com/cern-eos/eos/blob/5.4.11/doc/diopside/manual/protocols.rst",
      "https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdMacaroons/XrdMacaroonsConfigure.cc",
    ]
    content = <<EOT
# Tokens (EOS manual, protocols.rst): XrdMacaroons, then XRootD's SciTokens
# plugin; no http.trace, which the manual's example turns on.
mgmofs.macaroonslib /usr/lib64/libXrdMacaroons.so /usr/lib64/libXrdAccSciTokens.so
macaroons.secretkey /etc/eos.macaroon.secret
# Macaroons live 24 hours by default (XrdMacaroonsConfigure.cc); the WLCG
# profile allows 6.
macaroons.maxduration 21600
sec.protocol ztn
EOT
  }
}

reference "htcondor-ce" {
  title = "HTCondor-CE SCITOKENS mappings"
  about = <<-EOT
    HTCondor-CE accepts a token of any issuer whose keys it can fetch:
    the SCITOKENS lines of the mapfile are the only issuer gate. Each line
    is anchored and escaped and pins one subject the VO publishes (or the
    site's own test identity) to one unprivileged account; the CE also
    answers to the WLCG profile's condor:// audience.
  EOT
  port      = "9619"
  account   = host_account != "" ? host_account : "${vo}001"
  audiences = ["${host}:${port}", "condor://${host}:${port}"]
  sources = [
    "https://github.com/htcondor/htcondor-ce/blob/main/config/mapfiles.d/10-scitokens.conf",
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://github.com/opensciencegrid/topology/tree/master/virtual-organizations",
  ]

  file {
    path  = "/etc/condor-ce/config.d/99-local.conf"
    mode  = "append"
    about = "the CE's own audience in the WLCG profile's condor:// form, besides the default <host>:9619, in the site's file read after the package defaults"
    sources = [
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    ]
    content = <<EOT
SCITOKENS_SERVER_AUDIENCE = $(SCITOKENS_SERVER_AUDIENCE) condor://$(COLLECTOR_HOST)
EOT
  }

  file {
    path  = "/etc/condor-ce/mapfiles.d/10-scitokens.conf"
    about = "one SCITOKENS line per pinned subject (mapfiles are read in lexical order; the first line that matches wins)"
    sources = [
      "https://github.com/htcondor/htcondor-ce/blob/main/config/mapfiles.d/10-scitokens.conf",
      "https://github.com/opensciencegrid/topology/tree/master/virtual-organizations",
    ]
    content = <<EOT
# SCITOKENS /^<issuer>,<subject>$/ <account>: anchored, every character that
# is not a letter or digit escaped, one published subject per line.
%{ for vo in vos ~}
%{ for s in vo.subjects ~}
# ${vo.title}: ${s.description}
SCITOKENS /^${regex_escape(vo.issuer)},${regex_escape(s.subject)}$/ ${s.account}
%{ endfor ~}
%{ if length(vo.subjects) == 0 ~}
# ${vo.title} publishes no robot subject: pin the subject of the identity
# that submits (for example the site's own test identity) and uncomment.
# SCITOKENS /^${regex_escape(vo.issuer)},<subject>$/ ${vo.account}
%{ endif ~}
%{ endfor ~}
EOT
  }
}

reference "arc-ce" {
  title = "ARC CE token authgroups, mapping and scopes"
  about = <<-EOT
    One authgroup per pinned pilot subject (or, for a VO that publishes
    none, per VO with its compute scopes), each naming this CE's audience;
    [mapping] maps only these groups, nothing else is mapped
    (policy_on_nomap = stop), and on ARC 7 A-REX enforces the WLCG compute
    scopes (tokenscopes = wlcg). ARC reads each block once: merge these
    blocks into the ones your arc.conf already has.
  EOT
  account   = host_account != "" ? host_account : "${vo}001:${vo}"
  audiences = ["https://${host}"]
  sources = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
    "https://www.nordugrid.org/arc/arc7/admins/reference.html",
    "https://github.com/nordugrid/arc/blob/master/src/doc/arc.conf.reference",
  ]

  file {
    path  = "/etc/arc.conf"
    about = "the token blocks of arc.conf"
    sources = [
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/doma-testbed.md",
      "https://github.com/nordugrid/arc/blob/next/src/doc/arc.conf.reference",
    ]
    content = <<EOT
%{ if !has("authtokensgen") ~}
[authtokens]

%{ endif ~}
%{ for vo in vos ~}
%{ for s in vo.subjects ~}
# ${vo.title}: ${s.description}
[authgroup:${vo.name}_${s.short}]
%{ if has("authtokensgen") ~}
authtokensgen = (iss="${vo.issuer}") & (aud="${audiences[0]}") & (sub="${s.subject}") & (scope~"(^|.* )(compute\.create|compute\.read|compute\.cancel|compute\.modify)( .*|$)")
%{ else ~}
authtokens = ${s.subject} ${vo.issuer} ${audiences[0]} compute.create *
authtokens = ${s.subject} ${vo.issuer} ${audiences[0]} compute.read *
authtokens = ${s.subject} ${vo.issuer} ${audiences[0]} compute.modify *
authtokens = ${s.subject} ${vo.issuer} ${audiences[0]} compute.cancel *
%{ endif ~}

%{ endfor ~}
%{ if length(vo.subjects) == 0 ~}
# ${vo.title}: tokens with this CE's audience and the compute scopes
[authgroup:${vo.name}_tokens]
%{ if has("authtokensgen") ~}
authtokensgen = (iss="${vo.issuer}") & (aud="${audiences[0]}") & (scope~"(^|.* )(compute\.create|compute\.read|compute\.cancel|compute\.modify)( .*|$)")
%{ else ~}
authtokens = * ${vo.issuer} ${audiences[0]} compute.create *
authtokens = * ${vo.issuer} ${audiences[0]} compute.read *
authtokens = * ${vo.issuer} ${audiences[0]} compute.modify *
authtokens = * ${vo.issuer} ${audiences[0]} compute.cancel *
%{ endif ~}

%{ endif ~}
%{ endfor ~}
[mapping]
%{ for vo in vos ~}
%{ for s in vo.subjects ~}
map_to_user = ${vo.name}_${s.short} ${vo.account}
%{ endfor ~}
%{ if length(vo.subjects) == 0 ~}
map_to_user = ${vo.name}_tokens ${vo.account}
%{ endif ~}
%{ endfor ~}
policy_on_nomap = stop

[arex]
%{ if has("tokenscopes") ~}
tokenscopes = wlcg
%{ else ~}
# tokenscopes = wlcg: ARC ${since("tokenscopes")} and later (${release()} has no scope check)
%{ endif ~}

[arex/ws]

[arex/ws/jobs]
%{ for vo in vos ~}
%{ for s in vo.subjects ~}
allowaccess = ${vo.name}_${s.short}
%{ endfor ~}
%{ if length(vo.subjects) == 0 ~}
allowaccess = ${vo.name}_tokens
%{ endif ~}
%{ endfor ~}
EOT
  }
}

reference "dcache" {
  title = "dCache gPlazma oidc providers"
  about = <<-EOT
    One oidc provider per VO with the WLCG profile, the VO's own prefix
    (never "/") and an identity only for tokens that carry storage scopes
    (-authz-id); no -non-authz-id and no op:<alias> or oidcgrp: multimap
    lines for these VOs, so a token without storage scopes gets nothing;
    audience targets that name this endpoint. The uid and gid are the
    WG's examples (2999 ATLAS, 3999 CMS, 4999 DTeam): use accounts your
    namespace knows.
  EOT
  port      = "2880"
  area      = host_area != "" ? host_area : "/pnfs/${domain}/data/${vo}"
  account   = "username:${vo}_oidc uid:${lookup({ wlcg = 1999, atlas = 2999, cms = 3999, dteam = 4999, lhcb = 5999, alice = 6999 }, vo, 9999)} gid:${lookup({ wlcg = 1999, atlas = 2999, cms = 3999, dteam = 4999, lhcb = 5999, alice = 6999 }, vo, 9999)}"
  audiences = ["https://${host}", "https://${host}:${port}", "roots://${host}:1094", host]
  sources = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/dcache.md",
    "https://github.com/dCache/dcache/blob/master/docs/TheBook/src/main/markdown/config-gplazma.md",
  ]

  file {
    path  = "/etc/dcache/layouts/${short_host}.conf"
    about = "the gPlazma part of the layout (dcache.layout defaults to the short host name)"
    sources = [
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/dcache.md",
    ]
    content = <<EOT
# Scope-based authorization only (wlcg-authz-docs dcache.md): no op: or
# oidcgrp: multimap lines for these VOs, each VO under its own prefix.
[centralDomain]
[centralDomain/gplazma]
%{ for vo in vos ~}
gplazma.oidc.provider!${vo.name} = ${vo.issuer} -profile=wlcg -prefix=${vo.area} -authz-id="${vo.account}"
%{ endfor ~}
gplazma.oidc.audience-targets = ${join(" ", audiences)}
EOT
  }

  file {
    path  = "/etc/dcache/gplazma.conf"
    mode  = "append"
    about = "the oidc plugin in gPlazma's auth phase"
    sources = [
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/dcache.md",
    ]
    content = <<EOT
auth     optional     oidc
EOT
  }
}

reference "storm-webdav" {
  title = "StoRM WebDAV token issuers and storage areas"
  about = <<-EOT
    Every issuer with its audience check on (StoRM's default is off) and
    this endpoint's audience; one storage area per VO that trusts its
    issuer and grants nothing to every token of it: access comes from the
    token's storage scopes (wlcgScopeAuthzEnabled), never from
    orgsGrantReadPermission or orgsGrantWritePermission, which default to
    true in the code.
  EOT
  port      = "8443"
  area      = "/storage/${vo}"
  audiences = ["https://${host}:${port}"]
  sources = [
    "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/storm.md",
    "https://github.com/italiangrid/storm-webdav/blob/master/doc/storage-area-configuration.md",
  ]

  file {
    path  = "/etc/storm/webdav/config/application.yml"
    about = "the trusted issuers"
    sources = [
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/storm.md",
    ]
    content = <<EOT
oauth:
  issuers:
%{ for vo in vos ~}
  - name: ${vo.name}
    issuer: ${vo.issuer}
    enforce-audience-checks: true
    audiences:
%{ for a in audiences ~}
    - ${a}
%{ endfor ~}
%{ endfor ~}
EOT
  }

  file {
    path    = "/etc/storm/webdav/sa.d/${vo.name}.properties"
    each_vo = true
    about   = "the VO's storage area"
    sources = [
      "https://github.com/WLCG-AuthZ-WG/wlcg-authz-docs/blob/master/docs/token-based-authorization/configuration/storm.md",
      "https://github.com/italiangrid/storm-webdav/blob/master/doc/storage-area-configuration.md",
    ]
    content = <<EOT
name=${vo.name}
rootPath=${vo.area}
accessPoints=/${vo.name}
orgs=${vo.issuer}
authenticatedReadEnabled=false
anonymousReadEnabled=false
voMapEnabled=false
orgsGrantReadPermission=false
orgsGrantWritePermission=false
wlcgScopeAuthzEnabled=true
fineGrainedAuthzEnabled=true
EOT
  }
}

# @summary ttt-check on a grid host: the package, the site profile, the
#   daily scan, and a scan after every change of the services' configs.
#
# The scan runs
#   * after a Puppet run changed the site profile, the package, or any
#     resource in $watch (the grid services' configuration files or
#     classes): an exec with refreshonly, so an agent run that changes
#     nothing runs nothing; with $fail_on_deviation it fails that run,
#     with ttt-check's report in the log, when the new configuration
#     deviates at or above $fail_on;
#   * daily, by ttt-check.timer ($on_calendar), which writes
#     /var/lib/ttt-check/last.json and ttt-check.prom for node_exporter.
#
# @example
#   class { 'ttt_check':
#     site    => 'praguelcg2',
#     vos     => ['atlas', 'dteam'],
#     watch   => [Class['xrootd'], File['/etc/xrootd/scitokens.cfg']],
#     waivers => [{ check => 'audience-any', reason => 'testbed', expires => '2027-01-31' }],
#   }
#
# @param site The site's name (the profile's `site`).
# @param environment production, testbed or development.
# @param vos The VOs the site supports; empty says nothing.
# @param hosts Per-host overrides: match, environment, vos.
# @param issuers Extra trusted issuers: issuer, name, contact.
# @param severity Severity overrides by check id.
# @param waivers Accepted deviations: check, reason, expires (YYYY-MM-DD),
#   and optionally service, file, approver.
# @param profile_content A whole site.toml instead of the parameters above.
# @param on_calendar When the timer scans (systemd.time(7)).
# @param watch Resources whose change triggers a scan.
# @param fail_on Severity at or above which the post-deploy scan fails.
# @param fail_on_deviation Fail the Puppet run on deviations (else only log).
# @param manage_package Install the ttt-check package.
# @param package_ensure The package's ensure.
# @param manage_timer Enable and start ttt-check.timer with $on_calendar.
# @param root Filesystem the post-deploy scan reads (--root).
# @param bin The ttt-check binary.
# @param config_dir Where site.toml goes.
# @param state_dir Where the post-deploy scan writes post-deploy.json.
# @param systemd_dir Where the timer's drop-in goes.
class ttt_check (
  Ttt_check::Tomlstring $site,
  Enum['production', 'testbed', 'development'] $environment = 'production',
  Array[Ttt_check::Tomlstring] $vos = [],
  Array[Struct[{
    match                 => Ttt_check::Tomlstring,
    Optional[environment] => Enum['production', 'testbed', 'development'],
    Optional[vos]         => Array[Ttt_check::Tomlstring],
  }]] $hosts = [],
  Array[Struct[{
    issuer            => Ttt_check::Tomlstring,
    Optional[name]    => Ttt_check::Tomlstring,
    Optional[contact] => Ttt_check::Tomlstring,
  }]] $issuers = [],
  Hash[Pattern[/\A[a-z0-9-]+\z/], Enum['info', 'low', 'medium', 'high', 'critical']] $severity = {},
  Array[Struct[{
    check              => Ttt_check::Tomlstring,
    reason             => Ttt_check::Tomlstring,
    expires            => Pattern[/\A\d{4}-\d{2}-\d{2}\z/],
    Optional[service]  => Ttt_check::Tomlstring,
    Optional[file]     => Ttt_check::Tomlstring,
    Optional[approver] => Ttt_check::Tomlstring,
  }]] $waivers = [],
  Optional[String] $profile_content = undef,
  String[1] $on_calendar = 'daily',
  Array[Type[CatalogEntry]] $watch = [],
  Enum['info', 'low', 'medium', 'high', 'critical'] $fail_on = 'medium',
  Boolean $fail_on_deviation = true,
  Boolean $manage_package = true,
  String[1] $package_ensure = 'installed',
  Boolean $manage_timer = true,
  String[1] $root = '/',
  String[1] $bin = '/usr/bin/ttt-check',
  String[1] $config_dir = '/etc/ttt-check',
  String[1] $state_dir = '/var/lib/ttt-check',
  String[1] $systemd_dir = '/etc/systemd/system',
) {
  $profile = "${config_dir}/site.toml"

  if $manage_package {
    package { 'ttt-check':
      ensure => $package_ensure,
      before => [File[$profile], Exec['ttt-check post-deploy scan']],
      notify => Exec['ttt-check post-deploy scan'],
    }
  }

  file { [$config_dir, $state_dir]:
    ensure => directory,
    owner  => 'root',
    group  => 'root',
    mode   => '0755',
  }

  file { $profile:
    ensure  => file,
    owner   => 'root',
    group   => 'root',
    mode    => '0644',
    content => $profile_content ? {
      undef   => epp('ttt_check/site.toml.epp', {
        'site'        => $site,
        'environment' => $environment,
        'vos'         => $vos,
        'hosts'       => $hosts,
        'issuers'     => $issuers,
        'severity'    => $severity,
        'waivers'     => $waivers,
      }),
      default => $profile_content,
    },
  }

  # The post-deploy scan: only when something it watches changed.
  exec { 'ttt-check post-deploy scan':
    command     => [$bin, 'scan', '--root', $root, '--site', $profile, '--fail-on', $fail_on,
      '--format', 'text', '--format', "json=${state_dir}/post-deploy.json"],
    refreshonly => true,
    returns     => $fail_on_deviation ? { true => [0], default => [0, 1] },
    logoutput   => true,
    require     => File[$state_dir],
    subscribe   => [File[$profile]] + $watch,
  }

  if $manage_timer {
    file { "${systemd_dir}/ttt-check.timer.d":
      ensure => directory,
      owner  => 'root',
      group  => 'root',
      mode   => '0755',
    }
    file { "${systemd_dir}/ttt-check.timer.d/schedule.conf":
      ensure  => file,
      owner   => 'root',
      group   => 'root',
      mode    => '0644',
      content => "# Managed by Puppet (class ttt_check).\n[Timer]\nOnCalendar=\nOnCalendar=${on_calendar}\n",
    }
    exec { 'ttt-check systemctl daemon-reload':
      command     => ['systemctl', 'daemon-reload'],
      path        => ['/usr/bin', '/bin'],
      refreshonly => true,
      subscribe   => File["${systemd_dir}/ttt-check.timer.d/schedule.conf"],
    }
    service { 'ttt-check.timer':
      ensure    => running,
      enable    => true,
      subscribe => Exec['ttt-check systemctl daemon-reload'],
    }
    if $manage_package {
      Package['ttt-check'] -> Service['ttt-check.timer']
    }
  }
}

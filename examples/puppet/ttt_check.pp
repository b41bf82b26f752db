# Run ttt-check on every Puppet run, after the grid services' classes have
# been applied. The exec fails the run, with the scan's report in the log,
# when the host's token trust deviates from the recipes: ttt-check exits 0
# when clean, 1 on deviations at or above $fail_on, 2 on a broken site
# profile or recipes. Declare it after your service classes, e.g.
#   class { 'ttt_check': require => Class['xrootd'] }
class ttt_check (
  String $fail_on = 'medium',
  String $results = '/var/lib/ttt-check',
) {
  file { $results:
    ensure => directory,
    mode   => '0750',
  }

  exec { 'ttt-check scan':
    command   => "/usr/bin/ttt-check scan --fail-on ${fail_on} --format text --format json=${results}/last.json",
    returns   => [0],
    logoutput => true,
    require   => File[$results],
  }
}

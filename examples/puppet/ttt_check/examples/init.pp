# A storage element: XRootD's configuration is deployed by its own class;
# any change to it triggers a ttt-check scan that fails the Puppet run when
# the new configuration deviates from the recipes at medium or above.
class { 'ttt_check':
  site     => 'praguelcg2',
  vos      => ['atlas', 'cms', 'dteam'],
  issuers  => [{ issuer => 'https://iam.example.org/', name => 'local-iam', contact => 'security@example.org' }],
  severity => { 'issuer-dteam-missing' => 'info' },
  waivers  => [{
    check   => 'audience-any',
    service => 'xrootd',
    reason  => 'compliance testbed needs the any audience',
    expires => '2027-01-31',
  }],
  watch    => [File['/etc/xrootd/scitokens.cfg']],
}

file { '/etc/xrootd/scitokens.cfg':
  ensure => file,
  source => 'puppet:///modules/site_xrootd/scitokens.cfg',
}

# A string the site-profile template can put between double quotes as it
# is: no double quote, backslash or control character.
type Ttt_check::Tomlstring = Pattern[/\A[^"\\\x00-\x1f\x7f]*\z/]

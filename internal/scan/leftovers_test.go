package scan

import (
	"strings"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/testkit"
)

// TestLeftovers: what one listing per directory finds is what a stat of
// every candidate finds: regular files and links to them, not
// directories, links to directories or dangling links; a path that is
// not clean is resolved as the services resolve it.
func TestLeftovers(t *testing.T) {
	fsys := testkit.HostFS(t, map[string]string{
		"/etc/svc/a.conf":            "a",
		"/etc/svc/a.conf.rpmnew":     "new",
		"/etc/svc/a.conf.dpkg-old":   "->a.conf",
		"/etc/svc/a.conf.rpmsave/":   "",
		"/etc/svc/a.conf.rpmorig":    "->/etc/svc/a.conf.rpmsave",
		"/etc/svc/a.conf.ucf-dist":   "->missing",
		"/etc/svc/b.conf":            "b",
		"/etc/svc/b.conf.dpkg-dist":  "dist",
		"/etc/svc/b.confx.rpmnew":    "other file",
		"/etc/other/c.conf.rpmsave":  "saved",
		"/etc/linked":                "->svc",
		"/etc/deep":                  "->/etc/a/b/c",
		"/etc/a/b/c/":                "",
		"/etc/a/b/x.conf.rpmnew":     "new",
		"/etc/x.conf.rpmnew":         "not beside the file",
		"/etc/other/d.conf":          "d",
		"/etc/other/d.conf.dpkg-new": "new",
	})
	tests := []struct {
		files []string
		want  string
	}{
		{[]string{"/etc/svc/a.conf"}, "/etc/svc/a.conf.dpkg-old /etc/svc/a.conf.rpmnew"},
		{[]string{"/etc/svc/b.conf", "/etc/svc/a.conf", "/etc/svc/b.conf"}, "/etc/svc/a.conf.dpkg-old /etc/svc/a.conf.rpmnew /etc/svc/b.conf.dpkg-dist"},
		{[]string{"/etc/linked/b.conf"}, "/etc/linked/b.conf.dpkg-dist"},
		{[]string{"/etc/other/c.conf"}, "/etc/other/c.conf.rpmsave"},
		{[]string{"/etc/missing/c.conf"}, ""},
		{[]string{"/etc/deep/../x.conf"}, "/etc/deep/../x.conf.rpmnew"}, // /etc/a/b/x.conf.rpmnew
		{[]string{"/etc/deep/../../b/x.conf", "/etc/x.conf"}, "/etc/deep/../../b/x.conf.rpmnew /etc/x.conf.rpmnew"},
	}
	for _, tc := range tests {
		var got []string
		for _, s := range leftovers(fsys, tc.files) {
			got = append(got, s.File)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("leftovers(%v) = %v, want %s", tc.files, got, tc.want)
		}
	}
}

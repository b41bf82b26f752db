package readers

import (
	"reflect"
	"testing"
)

func TestFields(t *testing.T) {
	tests := []struct {
		name string
		s    string
		seps string
		q    Quotes
		want []string
	}{
		{"blanks", "  a\tb  c ", " \t", KeepQuotes, []string{"a", "b", "c"}},
		{"tab is a separator only when named", "a\tb c", " ", DropQuotes, []string{"a\tb", "c"}},
		{"quoted blanks kept, quotes kept", `-authz-id="uid:1 username:a" -x`, " \t", KeepQuotes, []string{`-authz-id="uid:1 username:a"`, "-x"}},
		{"quoted blanks kept, quotes dropped", `"A=1" B=2 "C=x y"`, " ", DropQuotes, []string{"A=1", "B=2", "C=x y"}},
		{"quote inside a word", `E=a"b c"d`, " ", DropQuotes, []string{"E=ab cd"}},
		{"quote inside a word kept", `E=a"b c"d`, " ", KeepQuotes, []string{`E=a"b c"d`}},
		{"empty pair dropped", `a "" b`, " ", DropQuotes, []string{"a", "b"}},
		{"empty pair kept", `a "" b`, " ", KeepQuotes, []string{"a", `""`, "b"}},
		{"unbalanced quote runs to the end", `a "b c`, " \t", KeepQuotes, []string{"a", `"b c`}},
		{"empty", "", " \t", KeepQuotes, nil},
		{"only separators", " \t ", " \t", DropQuotes, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Fields(tc.s, tc.seps, tc.q); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Fields(%q, %q, %v) = %q, want %q", tc.s, tc.seps, tc.q, got, tc.want)
			}
		})
	}
}

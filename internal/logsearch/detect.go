// Package logsearch finds bearer tokens (JWTs) leaked into log files: every
// form seen in real logs — bare, after "Bearer ", URL-encoded
// (Bearer%20…, authz=Bearer%20…, %2E for the dots), inside JSON or quotes —
// decodes their header and payload (no signature check) to say whose token
// it is and whether it still works, and never keeps the token itself: only
// a fingerprint and the claims.
package logsearch

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// MaxToken bounds a token's length; longer runs are not tokens any
// service accepts (XRootD ztn's hard maximum is 512 KiB, its default 4 KiB).
const MaxToken = 16 << 10

// Hit is one token found in a line.
type Hit struct {
	// Start and End delimit the token as written (URL-encoded dots
	// included) in the searched bytes.
	Start, End  int
	Fingerprint string
	Claims      inventory.TokenClaims
}

var marker = []byte("eyJ")

// indexMarker finds "eyJ" from i. It looks for the 'J' (rare in logs)
// with the vectorised IndexByte rather than for the 'e' (very common),
// which keeps the search near memory speed.
func indexMarker(b []byte, i int) int {
	for i+2 < len(b) {
		j := bytes.IndexByte(b[i+2:], 'J')
		if j < 0 {
			return -1
		}
		k := i + 2 + j // position of 'J'
		if b[k-2] == 'e' && b[k-1] == 'y' {
			return k - 2
		}
		i = k - 1
	}
	return -1
}

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// segment returns the end of a base64url run starting at i.
func segment(b []byte, i int) int {
	for i < len(b) && isB64(b[i]) {
		i++
	}
	return i
}

// dot reports a token separator at i: "." or "%2E"/"%2e"; it returns its
// length.
func dot(b []byte, i int) int {
	if i < len(b) && b[i] == '.' {
		return 1
	}
	if i+2 < len(b) && b[i] == '%' && b[i+1] == '2' && (b[i+2] == 'E' || b[i+2] == 'e') {
		return 3
	}
	return 0
}

// Find returns the tokens in b that start before limit (later ones are
// left for the caller's next window).
func Find(b []byte, limit int) []Hit { return FindFrom(b, 0, limit) }

// FindFrom is Find starting at offset from.
func FindFrom(b []byte, from, limit int) []Hit {
	var hits []Hit
	i := from
	for {
		start := indexMarker(b, i)
		if start < 0 {
			return hits
		}
		if start >= limit {
			return hits
		}
		// No boundary is required before the token: a JWT header always
		// starts with eyJ ({"), and decoding below rejects what is not a
		// token, so "x<jwt>" (which gitleaks misses) is found too.
		h, ok := parse(b, start)
		if !ok {
			i = start + 1
			continue
		}
		hits = append(hits, h)
		i = h.End
	}
}

func parse(b []byte, start int) (Hit, bool) {
	hEnd := segment(b, start)
	d1 := dot(b, hEnd)
	if d1 == 0 || hEnd-start < 10 {
		return Hit{}, false
	}
	pStart := hEnd + d1
	if !bytes.HasPrefix(b[pStart:], marker) {
		return Hit{}, false
	}
	pEnd := segment(b, pStart)
	end := pEnd
	d2 := dot(b, pEnd)
	if d2 == 0 {
		return Hit{}, false
	}
	end = segment(b, pEnd+d2)
	if end-start > MaxToken {
		return Hit{}, false
	}
	header, err := decode(b[start:hEnd])
	if err != nil {
		return Hit{}, false
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(header, &hdr) != nil || hdr.Alg == "" {
		return Hit{}, false
	}
	payload, err := decode(b[pStart:pEnd])
	if err != nil {
		return Hit{}, false
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(payload, &raw) != nil {
		return Hit{}, false
	}
	c := inventory.TokenClaims{Alg: hdr.Alg}
	str := func(k string) string {
		var s string
		json.Unmarshal(raw[k], &s)
		return s
	}
	num := func(k string) int64 {
		var f float64
		json.Unmarshal(raw[k], &f)
		return int64(f)
	}
	c.Issuer, c.Subject, c.Scope = str("iss"), str("sub"), str("scope")
	c.IssuedAt, c.Expires = num("iat"), num("exp")
	var auds []string
	if json.Unmarshal(raw["aud"], &auds) != nil {
		if a := str("aud"); a != "" {
			auds = []string{a}
		}
	}
	c.Audience = auds
	// The fingerprint is of the canonical token (dots decoded), so the same
	// token URL-encoded in one log and plain in another is one leak.
	canon := strings.NewReplacer("%2E", ".", "%2e", ".").Replace(string(b[start:end]))
	sum := sha256.Sum256([]byte(canon))
	return Hit{Start: start, End: end, Fingerprint: "sha256:" + hex.EncodeToString(sum[:8]), Claims: c}, true
}

func decode(seg []byte) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(string(seg), "="))
}

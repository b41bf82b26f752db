package logsearch

import (
	"strings"
	"unicode/utf8"
)

// sampleLen bounds the redacted line kept for a report.
const sampleLen = 240

// sample returns the line with every token replaced by its fingerprint,
// around the first token, cut to sampleLen, as valid UTF-8 without
// control characters.
func sample(window []byte, hits []Hit) string {
	if len(hits) == 0 {
		return ""
	}
	from := max(hits[0].Start-sampleLen/2, 0)
	to := min(from+sampleLen+hits[0].End-hits[0].Start, len(window))
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, h := range hits {
		if h.End <= from || h.Start >= to {
			continue
		}
		if h.Start > pos {
			b.Write(window[pos:h.Start])
		}
		b.WriteString("[TOKEN " + h.Fingerprint + "]")
		pos = h.End
	}
	if pos < to {
		b.Write(window[pos:to])
	}
	if to < len(window) && strings.TrimRight(string(window[to:]), "\r\n") != "" {
		b.WriteString("…")
	}
	s := strings.ToValidUTF8(b.String(), "?")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
}

package output

import (
	"strings"
	"unicode/utf8"
)

// wrap fills a text into lines of at most width columns (a longer word,
// a URL, stays whole on its own line); blank lines separate paragraphs.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, fill(strings.Fields(para), width)...)
	}
	return out
}

// fill lays words into lines of at most width columns.
func fill(words []string, width int) []string {
	var out []string
	line := ""
	for _, word := range words {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width:
			out = append(out, line)
			line = word
		default:
			line += " " + word
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// fixLines lays out a fix for a report of width columns: prose (lines
// that start at the margin) is refilled, lines the fix indents — the
// configuration lines to write — are kept exactly, however long, since
// an admin copies them.
func fixLines(text string, width int) []string {
	var out, prose []string
	flush := func() {
		out = append(out, fill(prose, width)...)
		prose = nil
	}
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case strings.TrimSpace(l) == "":
			flush()
			out = append(out, "")
		case l[0] == ' ' || l[0] == '\t':
			flush()
			out = append(out, strings.TrimRight(l, " \t"))
		default:
			prose = append(prose, strings.Fields(l)...)
		}
	}
	flush()
	return out
}

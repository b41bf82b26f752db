package site

import "fmt"

// maxNesting bounds how deeply arrays and inline tables may nest in a
// site profile. The TOML decoder descends recursively and has no limit of
// its own, and the profile under --root comes from the host scanned: a
// file of 100,000 '[' would cost the decoder its stack or hundreds of MB.
// A profile nests two or three levels; 256 is far beyond that.
const maxNesting = 256

// nestingTooDeep returns the line where arrays and inline tables ('[' and
// '{' outside strings and comments) first nest deeper than maxNesting.
// Table headers ([t], [[t]]) open at most two levels and close on their
// line, so they never reach it.
func nestingTooDeep(text string) (int, bool) {
	depth, line := 0, 1
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\n':
			line++
		case '#':
			for i+1 < len(text) && text[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			quote := text[i : i+1]
			if i+2 < len(text) && text[i+1] == c && text[i+2] == c {
				quote = text[i : i+3]
			}
			i += len(quote)
			for i < len(text) && text[i:min(i+len(quote), len(text))] != quote {
				switch {
				case text[i] == '\n':
					line++
				case text[i] == '\\' && c == '"':
					i++
					if i < len(text) && text[i] == '\n' {
						line++
					}
				}
				i++
			}
			i += len(quote) - 1
		case '[', '{':
			if depth++; depth > maxNesting {
				return line, true
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return 0, false
}

// nestingError is the error of a profile nestingTooDeep refuses.
func nestingError(file string, line int) error {
	return fmt.Errorf("%s:%d: arrays and inline tables nested more than %d deep (a profile needs two or three)", file, line, maxNesting)
}

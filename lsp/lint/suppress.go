// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"bytes"
	"regexp"
	"strings"

	"krls.dev/krls/lsp/check"
)

// A suppression is a comment in the linted file:
//
//	// krls:allow(check-id): reason          (Rust)
//	# krls:allow(check-id, other-id): reason  (Kconfig, Makefile, Kbuild)
//
// A directive that follows code on its line covers that line. A directive on a line of its
// own covers the first line after the block of comment lines it sits in, so it can stand
// above or below a `// SAFETY:` comment. The reason is required: a directive without one
// suppresses nothing and is itself a finding (SuppressionCheck), so every silenced finding
// carries its justification in the source, where review sees it.
const allowMarker = "krls:allow"

// directive is one parsed krls:allow comment.
type directive struct {
	line   int // 1-based line of the comment
	target int // the line it covers
	start  int // byte offset of "krls:allow"
	end    int // byte offset of the end of the directive
	ids    []string
	reason string
	bad    string // why the directive is malformed ("" when well formed)
}

var allowRE = regexp.MustCompile(`^krls:allow\(([^)]*)\)(?:\s*:(.*))?`)

// commentMarker returns the comment introducer of a language.
func commentMarker(lang string) string {
	if lang == LangRust {
		return "//"
	}
	return "#"
}

// parseDirectives finds the krls:allow directives of a file.
func parseDirectives(text []byte, lang string, ls *lines) []directive {
	if !bytes.Contains(text, []byte(allowMarker)) {
		return nil
	}
	marker := commentMarker(lang)
	n := ls.count()
	commentOnly := func(line int) bool {
		s := strings.TrimSpace(ls.line(line))
		return strings.HasPrefix(s, marker) || (lang == LangRust && strings.HasPrefix(s, "/*"))
	}
	var out []directive
	for ln := 1; ln <= n; ln++ {
		s := ls.line(ln)
		i := strings.Index(s, allowMarker)
		if i < 0 {
			continue
		}
		c := strings.Index(s, marker)
		if c < 0 || c > i {
			continue // not in a comment (a string, an identifier)
		}
		d := directive{line: ln, target: ln, start: ls.start[ln-1] + i}
		d.end = ls.start[ln-1] + len(s)
		if strings.TrimSpace(s[:c]) == "" {
			// A directive on a line of its own covers the next line that is not a comment.
			t := ln + 1
			for t <= n && commentOnly(t) {
				t++
			}
			d.target = t
		}
		m := allowRE.FindStringSubmatch(s[i:])
		switch {
		case m == nil:
			d.bad = "malformed krls:allow: write // krls:allow(check-id): reason"
		default:
			for _, id := range strings.Split(m[1], ",") {
				if id = strings.TrimSpace(id); id != "" {
					d.ids = append(d.ids, id)
				}
			}
			d.reason = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[2]), "*/"))
			switch {
			case len(d.ids) == 0:
				d.bad = "krls:allow names no check"
			case d.reason == "":
				d.bad = "krls:allow(" + strings.Join(d.ids, ", ") + ") gives no reason: write krls:allow(" +
					strings.Join(d.ids, ", ") + "): why the finding does not apply here"
			}
		}
		out = append(out, d)
	}
	return out
}

// suppresses reports whether d silences a finding of check id starting on line.
func (d *directive) suppresses(id string, line int) bool {
	if d.bad != "" || (line != d.line && line != d.target) {
		return false
	}
	for _, x := range d.ids {
		if x == id {
			return true
		}
	}
	return false
}

// FilterSuppressed drops the findings in the file text (language lang) silenced by its
// krls:allow comments, and returns the others and the number dropped: the same rule krls lint
// applies, for the language server to hide what lint hides. Findings of other files (a
// Path other than path, when both are set) are kept.
func FilterSuppressed(path string, text []byte, lang string, findings []check.Finding) ([]check.Finding, int) {
	ls := newLines(text)
	dirs := parseDirectives(text, lang, ls)
	if len(dirs) == 0 {
		return findings, 0
	}
	out := findings[:0:0]
	n := 0
	for _, f := range findings {
		if f.Path == "" || path == "" || f.Path == path {
			line, _ := ls.pos(f.Range.Start)
			if suppressedBy(dirs, f.Check, line) {
				n++
				continue
			}
		}
		out = append(out, f)
	}
	return out, n
}

// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"bytes"
	"strings"

	"krls.dev/krls/lsp/check"
)

// SuppressionCheck is the id of the check on krls:allow comments themselves. It lives in the
// registry like every other check, so the server shows it as you type the comment, the docs
// list it and SARIF has its rule.
const SuppressionCheck = "suppression-reason"

func init() {
	check.Register(&check.Check{
		ID:   SuppressionCheck,
		Name: "suppression reason",
		Summary: "A `krls:allow(...)` comment that gives no reason, is malformed, or names a check " +
			"that does not exist. Such a comment silences nothing.",
		Why: "A suppression is a claim that a finding does not apply; the reason is what lets a " +
			"reviewer check the claim, as the kernel asks a `// SAFETY:` comment of every `unsafe` " +
			"block. A suppression naming an unknown check usually has a typo and silences nothing.",
		Source:     "Documentation/rust/coding-guidelines.rst (comments justify exceptions)",
		Example:    "// krls:allow(direct-binding)\nunsafe { bindings::mutex_lock(ptr) };",
		FixExample: "// krls:allow(direct-binding): the abstraction is added by the next patch\nunsafe { bindings::mutex_lock(ptr) };",
		Severity:   check.Warning,
		Langs:      []string{LangRust, LangKconfig, LangMakefile},
		Run:        runSuppressionCheck,
	})
}

func runSuppressionCheck(cx *check.Context) []check.Finding {
	if !bytes.Contains(cx.Text, []byte(allowMarker)) {
		return nil
	}
	dirs := parseDirectives(cx.Text, cx.Lang, newLines(cx.Text))
	if len(dirs) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, c := range check.All() {
		known[c.ID] = true
	}
	var out []check.Finding
	for _, d := range dirs {
		msg := d.bad
		if msg == "" {
			var unknown []string
			for _, id := range d.ids {
				if !known[id] {
					unknown = append(unknown, id)
				}
			}
			if len(unknown) > 0 {
				msg = "krls:allow names unknown check " + strings.Join(unknown, ", ") +
					" (krls lint --list-checks lists them)"
			}
		}
		if msg == "" {
			continue
		}
		out = append(out, check.Finding{Check: SuppressionCheck, Severity: check.Warning,
			Path: cx.Path, Range: check.Range{Start: d.start, End: d.end}, Message: msg})
	}
	return out
}

// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"fmt"
	"sort"
	"strings"

	"krls.dev/krls/lsp/check"
)

// SeverityName maps a check severity to the level lint prints (error, warning, note).
func SeverityName(s check.Severity) string {
	switch strings.ToLower(fmt.Sprint(s)) {
	case "error":
		return SeverityError
	case "warning", "warn":
		return SeverityWarning
	}
	return SeverityNote
}

// fence returns the code-fence language of a check's examples.
func fence(c *check.Check) string {
	for _, l := range c.Langs {
		switch fmt.Sprint(l) {
		case LangRust:
			return "rust"
		case LangKconfig:
			return "kconfig"
		case LangMakefile:
			return "make"
		}
	}
	return ""
}

func langList(c *check.Check) string {
	var s []string
	for _, l := range c.Langs {
		s = append(s, fmt.Sprint(l))
	}
	return strings.Join(s, ", ")
}

// checkMarkdown is the documentation of one check: the body of its section in docs/checks.md
// and its SARIF help. Headings start at level+1 (#..).
func checkMarkdown(c *check.Check, level int) string {
	var b strings.Builder
	h := strings.Repeat("#", level+1)
	if c.Name != "" && c.Name != c.ID {
		fmt.Fprintf(&b, "**%s**. ", strings.TrimSpace(c.Name))
	}
	fmt.Fprintf(&b, "Default severity: %s. Files: %s.\n\n", SeverityName(c.Severity), langList(c))
	fmt.Fprintf(&b, "%s What it finds\n\n%s\n\n", h, strings.TrimSpace(c.Summary))
	if why := strings.TrimSpace(c.Why); why != "" {
		fmt.Fprintf(&b, "%s Why the kernel cares\n\n%s\n\n", h, why)
	}
	if src := strings.TrimSpace(c.Source); src != "" {
		fmt.Fprintf(&b, "Source: %s\n\n", src)
	}
	lang := fence(c)
	if ex := strings.TrimRight(c.Example, " \n"); strings.TrimSpace(ex) != "" {
		fmt.Fprintf(&b, "%s Example\n\n```%s\n%s\n```\n\n", h, lang, strings.Trim(ex, "\n"))
	}
	if fx := strings.TrimRight(c.FixExample, " \n"); strings.TrimSpace(fx) != "" {
		fmt.Fprintf(&b, "%s Fix\n\n```%s\n%s\n```\n\n", h, lang, strings.Trim(fx, "\n"))
	}
	fmt.Fprintf(&b, "Silence one finding with a reason: `%s krls:allow(%s): why it does not apply`.\n",
		commentMarkerOf(c), c.ID)
	return b.String()
}

func commentMarkerOf(c *check.Check) string {
	if fence(c) == "rust" {
		return "//"
	}
	return "#"
}

// helpText is the plain-text help of a check (SARIF help.text).
func helpText(c *check.Check) string {
	s := strings.TrimSpace(c.Summary)
	if why := strings.TrimSpace(c.Why); why != "" {
		s += "\n\n" + why
	}
	if src := strings.TrimSpace(c.Source); src != "" {
		s += "\n\nSource: " + src
	}
	return s
}

// ChecksDoc renders docs/checks.md from the registry.
func ChecksDoc(checks []*check.Check) []byte {
	cs := append([]*check.Check(nil), checks...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	var b strings.Builder
	b.WriteString("<!-- Generated from the check registry by `go test ./lsp/lint -run TestChecksDoc -update`. Do not edit. -->\n\n")
	b.WriteString("# krls checks\n\n")
	b.WriteString("Every check krls runs, in the language server (as diagnostics) and in `krls lint` ")
	b.WriteString("(see [lint.md](lint.md)). Both run the same registry; this page is generated from it.\n\n")
	b.WriteString("| id | severity | files | finds |\n| --- | --- | --- | --- |\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", c.ID, c.ID, SeverityName(c.Severity),
			langList(c), strings.ReplaceAll(oneLine(c.Summary), "|", "\\|"))
	}
	b.WriteString("\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "## %s\n\n%s\n", c.ID, checkMarkdown(c, 2))
	}
	return []byte(b.String())
}

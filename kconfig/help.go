// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import "regexp"

// The kernel's help texts end with a sentence like "To compile this driver as a module,
// choose M here: the module will be called rust_minimal." (samples/rust/Kconfig). The name may
// follow on the next line, and some texts say "modules will be called a and b"; only the
// first name is taken.
var moduleSentence = regexp.MustCompile(`(?i)\bmodules?\s+will\s+be\s+called\s+["'` + "`" + `]?([A-Za-z0-9_-]+)`)

// ModuleName finds "the module will be called NAME" in a help text and returns NAME with its
// range in the file.
func ModuleName(h *Help) (string, Range, bool) {
	if h == nil {
		return "", Range{}, false
	}
	m := moduleSentence.FindStringSubmatchIndex(h.Text)
	if m == nil {
		return "", Range{}, false
	}
	name := h.Text[m[2]:m[3]]
	start := h.Pos(m[2])
	return name, Range{start, Pos{start.Line, start.Col + len(name)}}, true
}

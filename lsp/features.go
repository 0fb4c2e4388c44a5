// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/lint"
	"krls.dev/krls/lsp/rustfile"
	"krls.dev/krls/lsp/source"
)

// rustFile returns the parsed Rust file of a document version, parsing it once.
func rustFile(doc *source.Document) *rustfile.File {
	type key struct{}
	f, _ := doc.Cached(key{}, func() any { return rustfile.Parse([]byte(doc.Text())) }).(*rustfile.File)
	return f
}

// findingsKey caches the findings of a document version per index and set of checks.
type findingsKey struct {
	ix     *index.Index
	checks string
}

// findings runs the checks of a document version once per index and settings.
func findings(doc *source.Document, ix *index.Index, set Settings) []check.Finding {
	if doc.Lang == source.LangOther {
		return nil
	}
	fs, _ := doc.Cached(findingsKey{ix, checksKey(set.Checks)}, func() any {
		path := doc.Filename
		if path == "" {
			path = source.Name(doc.URI)
		}
		ctx := &check.Context{Index: ix, Path: path, Lang: string(doc.Lang), Text: []byte(doc.Text())}
		if ix != nil && doc.Filename != "" {
			if rel, err := filepath.Rel(ix.Root, doc.Filename); err == nil && !strings.HasPrefix(rel, "..") {
				ctx.Rel = filepath.ToSlash(rel)
			}
		}
		if doc.Lang == source.LangRust {
			ctx.Rust = rustFile(doc)
		}
		ctx.Kconfig = worldOf(ix) // *kworld.World or nil; see kconfig_handlers.go
		enabled := func(id string) bool { return set.CheckEnabled(id, true) }
		var out []check.Finding
		for _, f := range check.Run(ctx, enabled) {
			if f.Path == "" || f.Path == path {
				out = append(out, f)
			}
		}
		// What a krls:allow comment silences for krls lint is silenced in the editor too.
		out, _ = lint.FilterSuppressed(path, ctx.Text, ctx.Lang, out)
		return out
	}).([]check.Finding)
	return fs
}

func checksKey(m map[string]bool) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		keys = append(keys, fmt.Sprintf("%s=%t", k, v))
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

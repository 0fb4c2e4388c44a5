// SPDX-License-Identifier: GPL-2.0-only

package marker_test

import (
	"sync"
	"testing"

	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/completion"
	"krls.dev/krls/lsp/definition"
	"krls.dev/krls/lsp/hover"
	"krls.dev/krls/lsp/rustfile"
)

// TestSharedFile uses one parsed File and one Index from many goroutines, as the server does
// (run with -race): a File and an Index are read-only once built.
func TestSharedFile(t *testing.T) {
	mt, ix := handIndex(t, "bindings.txtar")
	text := mt.Text
	f := rustfile.Parse(text)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for off := 0; off <= len(text); off += 7 {
				hover.Rust(ix, f, text, off)
				completion.Rust(ix, f, text, off)
				definition.Rust(ix, f, text, off)
			}
			check.Run(&check.Context{Index: ix, Path: "/tree/drivers/misc/b.rs", Rel: "drivers/misc/b.rs", Lang: "rust", Text: text, Rust: f}, nil)
			f.SyntaxErrors()
		}()
	}
	wg.Wait()
}

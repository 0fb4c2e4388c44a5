// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"sync"

	"go.lsp.dev/protocol"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/completion"
	"krls.dev/krls/lsp/kworld"
	"krls.dev/krls/lsp/source"
)

// The Kconfig/Kbuild side of the server: the kworld.World of the index's tree, loaded in the
// background once the index is ready (loadWorld, hooked into indexState.reload), and the
// dispatch of hover, definition, references, completion and document links for Kconfig files,
// Makefiles and CONFIG_ names in Rust cfgs. The handlers of the other files call in here with
// one line each.

func init() {
	methods[protocol.MethodTextDocumentReferences] = request((*Server).references)
}

type worldEntry struct {
	once sync.Once
	w    *kworld.World
}

var (
	worldsMu sync.Mutex
	worlds   = map[*index.Index]*worldEntry{}
)

// worldOf returns the World of an index's tree, loading it on first use (every caller of the
// same index waits for the one load); nil without an index or when the tree has no Kconfig.
// A new index (a reload, krls.reindex) loads a new World, so Kconfig files and Makefiles
// changed on disk are read again; the Worlds of older indexes are dropped.
func worldOf(ix *index.Index) *kworld.World {
	if ix == nil || ix.Root == "" {
		return nil
	}
	worldsMu.Lock()
	e := worlds[ix]
	if e == nil {
		e = &worldEntry{}
		for old := range worlds {
			if len(worlds) < 2 {
				break
			}
			delete(worlds, old)
		}
		worlds[ix] = e
	}
	worldsMu.Unlock()
	e.once.Do(func() {
		w, err := kworld.Load(ix.Root, ix.Build)
		if err == nil {
			e.w = w
		}
	})
	return e.w
}

// loadWorld starts loading the World of a freshly loaded index in the background, so the first
// Kconfig request or check does not pay for it.
func (st *indexState) loadWorld(ix *index.Index) {
	if ix == nil {
		return
	}
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		defer func() { _ = recover() }() // a broken tree gives no World, never a dead server
		worldOf(ix)
	}()
}

// world waits for the index and returns its World (nil when there is none).
func (s *Server) world(ctx context.Context) *kworld.World {
	ix, err := s.idx.wait(ctx)
	if err != nil {
		return nil
	}
	return worldOf(ix)
}

// kworldHover answers hover on CONFIG symbols: Kconfig and Makefile documents, and the
// fallback of Rust hover for cfgs.
func (s *Server) kworldHover(ctx context.Context, a at) (any, error) {
	w := s.world(ctx)
	if w == nil || ctx.Err() != nil {
		return nil, ctx.Err()
	}
	md, r := w.Hover(string(a.doc.Lang), a.doc.Filename, []byte(a.doc.Text()), a.offset)
	if md == "" {
		return nil, nil
	}
	h := &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: md}}
	if pr, err := a.doc.Range(r.Start, r.End); err == nil && r.End > r.Start {
		h.Range = &pr
	}
	return h, nil
}

// kworldDefinition answers definition on CONFIG symbols, Makefile objects and Kconfig sources.
func (s *Server) kworldDefinition(ctx context.Context, a at) (any, error) {
	w := s.world(ctx)
	if w == nil || ctx.Err() != nil {
		return nil, ctx.Err()
	}
	locs := w.Definition(string(a.doc.Lang), a.doc.Filename, []byte(a.doc.Text()), a.offset)
	if len(locs) == 0 {
		return nil, nil
	}
	return s.locations(kworldLocations(locs)), nil
}

func kworldLocations(locs []kworld.Location) []Location {
	out := make([]Location, len(locs))
	for i, l := range locs {
		out[i] = Location{File: l.Path, Line: l.Line, Col: l.Col, EndLine: l.EndLine, EndCol: l.EndCol}
	}
	return out
}

// references answers the uses of the CONFIG symbol under the cursor across Kconfig files,
// Makefiles and Rust cfgs.
func (s *Server) references(p *protocol.ReferenceParams) (work, error) {
	a, err := s.position(p.TextDocumentPositionParams)
	if err != nil {
		return nil, err
	}
	withDefs := p.Context.IncludeDeclaration
	return func(ctx context.Context) (any, error) {
		w := s.world(ctx)
		if w == nil || ctx.Err() != nil {
			return nil, ctx.Err()
		}
		name, _ := w.SymbolAt(string(a.doc.Lang), []byte(a.doc.Text()), a.offset)
		if name == "" {
			return nil, nil
		}
		return s.locations(kworldLocations(w.References(name, withDefs))), nil
	}, nil
}

// kworldCompleter returns the Rust completer with the CONFIG_ hook of the index's World.
func kworldCompleter(ix *index.Index) *completion.Completer {
	c := &completion.Completer{}
	if w := worldOf(ix); w != nil {
		c.Config = w.ConfigHook
	}
	return c
}

// kworldCompletion answers completion in Kconfig files and Makefiles.
func (s *Server) kworldCompletion(ix *index.Index, a at) []completion.Item {
	w := worldOf(ix)
	if w == nil {
		return nil
	}
	return w.Complete(string(a.doc.Lang), []byte(a.doc.Text()), a.offset)
}

// kworldLinks answers the document links of Kconfig files and Makefiles.
func (s *Server) kworldLinks(ctx context.Context, doc *source.Document) (any, error) {
	if doc.Lang != source.LangKconfig && doc.Lang != source.LangMakefile || doc.Filename == "" {
		return nil, nil
	}
	w := s.world(ctx)
	if w == nil || ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var out []protocol.DocumentLink
	for _, l := range w.Links(string(doc.Lang), doc.Filename, []byte(doc.Text())) {
		r, err := doc.Range(l.Range.Start, l.Range.End)
		if err != nil {
			continue
		}
		out = append(out, protocol.DocumentLink{Range: r, Target: source.URI(l.Target)})
	}
	return out, nil
}

// lookupKconfig answers krls.openKconfigEntry: a symbol's entries, or for a file (path or URI)
// the entries of the symbols that build it.
func lookupKconfig(_ context.Context, ix *index.Index, arg string) ([]Location, error) {
	w := worldOf(ix)
	if w == nil {
		return nil, nil
	}
	if f, ok := source.Filename(protocol.DocumentURI(arg)); ok {
		arg = f
	}
	return kworldLocations(w.KconfigEntries(arg)), nil
}

// lookupMakefile answers krls.openMakefileLine: the Makefile lines that build a file.
func lookupMakefile(_ context.Context, ix *index.Index, file string) ([]Location, error) {
	w := worldOf(ix)
	if w == nil {
		return nil, nil
	}
	return kworldLocations(w.MakefileLines(file)), nil
}

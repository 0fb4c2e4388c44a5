// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"krls.dev/krls/lsp/definition"
	"krls.dev/krls/lsp/source"
)

func init() {
	methods[protocol.MethodTextDocumentDefinition] = request((*Server).definition)
}

func (s *Server) definition(p *protocol.DefinitionParams) (work, error) {
	a, err := s.position(p.TextDocumentPositionParams)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (any, error) {
		if a.doc.Lang != source.LangRust {
			return s.kworldDefinition(ctx, a)
		}
		ix, err := s.idx.wait(ctx)
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
		locs, err := definition.Rust(ix, rustFile(a.doc), []byte(a.doc.Text()), a.offset)
		if err == nil && len(locs) == 0 {
			return s.kworldDefinition(ctx, a) // CONFIG_ names of cfgs
		}
		if err != nil {
			return nil, err
		}
		out := make([]Location, len(locs))
		for i, l := range locs {
			out[i] = Location{File: l.Path, Line: l.Line, Col: l.Col, EndLine: l.EndLine, EndCol: l.EndCol}
		}
		return s.locations(out), nil
	}, nil
}

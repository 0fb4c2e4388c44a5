// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"krls.dev/krls/lsp/hover"
	"krls.dev/krls/lsp/source"
)

func init() {
	methods[protocol.MethodTextDocumentHover] = request((*Server).hover)
}

func (s *Server) hover(p *protocol.HoverParams) (work, error) {
	a, err := s.position(p.TextDocumentPositionParams)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (any, error) {
		if a.doc.Lang != source.LangRust {
			return s.kworldHover(ctx, a)
		}
		ix, err := s.idx.wait(ctx)
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
		res, err := hover.Rust(ix, rustFile(a.doc), []byte(a.doc.Text()), a.offset)
		if err == nil && res == nil {
			return s.kworldHover(ctx, a) // CONFIG_ names of cfgs
		}
		if err != nil {
			return nil, err
		}
		h := &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: res.Markdown}}
		if r, err := a.doc.Range(res.Range.Start, res.Range.End); err == nil && res.Range.End > res.Range.Start {
			h.Range = &r
		}
		return h, nil
	}, nil
}

// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"

	"go.lsp.dev/protocol"
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
		ix, err := s.idx.wait(ctx)
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
		_ = ix
		_ = a
		// TODO(features): lsp/definition.
		return nil, nil
	}, nil
}

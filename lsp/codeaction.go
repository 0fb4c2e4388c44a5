// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

func init() {
	methods[protocol.MethodTextDocumentCodeAction] = request((*Server).codeAction)
}

func (s *Server) codeAction(p *protocol.CodeActionParams) (work, error) {
	doc, err := s.document(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if _, _, err := doc.Offsets(p.Range); err != nil {
		return nil, invalidParams("%s: %v", p.TextDocument.URI, err)
	}
	return func(ctx context.Context) (any, error) {
		// TODO(features): lsp/codeaction.
		return nil, nil
	}, nil
}

// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

func init() {
	methods[protocol.MethodTextDocumentDocumentLink] = request((*Server).documentLink)
}

func (s *Server) documentLink(p *protocol.DocumentLinkParams) (work, error) {
	doc, err := s.document(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (any, error) { return s.kworldLinks(ctx, doc) }, nil
}

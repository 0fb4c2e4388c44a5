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
	if _, err := s.document(p.TextDocument.URI); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (any, error) {
		// TODO(features): links from Kbuild lines to sources and from Kconfig to help.
		return nil, nil
	}, nil
}

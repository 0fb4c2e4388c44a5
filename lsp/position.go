// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"go.lsp.dev/protocol"

	"krls.dev/krls/lsp/source"
)

// at is a request's document and byte offset, taken on the read loop so the work sees the
// version the request was made against.
type at struct {
	doc    *source.Document
	offset int
}

// position resolves a text document position: the document must be open and the line inside
// it (a character past the end of the line means its end, as the specification says).
func (s *Server) position(p protocol.TextDocumentPositionParams) (at, error) {
	doc, err := s.document(p.TextDocument.URI)
	if err != nil {
		return at{}, err
	}
	off, err := doc.Offset(p.Position)
	if err != nil {
		return at{}, invalidParams("%s: %v", p.TextDocument.URI, err)
	}
	return at{doc: doc, offset: off}, nil
}

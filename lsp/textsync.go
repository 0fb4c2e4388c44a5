// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"krls.dev/krls/lsp/source"
)

func init() {
	methods[protocol.MethodTextDocumentDidOpen] = notification((*Server).didOpen)
	methods[protocol.MethodTextDocumentDidChange] = notification((*Server).didChange)
	methods[protocol.MethodTextDocumentDidSave] = notification((*Server).didSave)
	methods[protocol.MethodTextDocumentDidClose] = notification((*Server).didClose)
}

func (s *Server) didOpen(p *protocol.DidOpenTextDocumentParams) error {
	td := p.TextDocument
	doc := source.NewDocument(td.URI, td.Version, string(td.LanguageID), td.Text)
	s.docs.Open(doc)
	s.log.Debug("didOpen", zap.String("uri", string(td.URI)), zap.String("lang", string(doc.Lang)))
	s.diag.schedule(doc)
	return nil
}

// didChangeParams decodes content changes with source.Change: a change without a range is
// the whole text.
type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []source.Change                          `json:"contentChanges"`
}

func (s *Server) didChange(p *didChangeParams) error {
	doc, err := s.docs.Change(p.TextDocument.URI, p.TextDocument.Version, p.ContentChanges)
	if err != nil {
		// A notification has no reply: the document keeps its last good version.
		return err
	}
	s.diag.schedule(doc)
	return nil
}

func (s *Server) didSave(p *protocol.DidSaveTextDocumentParams) error {
	if d := s.docs.Get(p.TextDocument.URI); d != nil {
		s.diag.schedule(d)
	}
	return nil
}

func (s *Server) didClose(p *protocol.DidCloseTextDocumentParams) error {
	if s.docs.Close(p.TextDocument.URI) {
		s.diag.clear(p.TextDocument.URI)
	}
	return nil
}

// document returns the open document of a request, or an InvalidParams error.
func (s *Server) document(u protocol.DocumentURI) (*source.Document, error) {
	d := s.docs.Get(u)
	if d == nil {
		return nil, invalidParams("document %s is not open", u)
	}
	return d, nil
}

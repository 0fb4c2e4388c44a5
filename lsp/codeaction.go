// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"errors"

	"go.lsp.dev/protocol"

	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/source"
)

func init() {
	methods[protocol.MethodTextDocumentCodeAction] = request((*Server).codeAction)
}

// codeAction answers the fixes of the findings under the range, computed on the document
// version of the request (cached with its diagnostics).
func (s *Server) codeAction(p *protocol.CodeActionParams) (work, error) {
	doc, err := s.document(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	start, end, err := doc.Offsets(p.Range)
	if err != nil {
		return nil, invalidParams("%s: %v", p.TextDocument.URI, err)
	}
	return func(ctx context.Context) (any, error) {
		ix, err := s.idx.wait(ctx)
		if err != nil && !errors.Is(err, errNoIndex) {
			return nil, err
		}
		fs := findings(doc, ix, s.currentSettings())
		var out []protocol.CodeAction
		for _, f := range fs {
			if !(f.Range.Start <= end && start <= f.Range.End) {
				continue
			}
			diag := s.diagnostic(doc, f)
			for _, fix := range f.Fixes {
				if len(fix.Edits) == 0 {
					if fix.DocURL != "" { // "open the docs": the server asks the client to
						out = append(out, protocol.CodeAction{
							Title: fix.Title, Kind: protocol.QuickFix,
							Command: &protocol.Command{Title: fix.Title, Command: CmdOpenDocs, Arguments: []any{fix.DocURL}},
						})
					}
					continue
				}
				ca := protocol.CodeAction{
					Title:       fix.Title,
					Kind:        protocol.QuickFix,
					IsPreferred: fix.Preferred,
					Edit:        s.workspaceEdit(doc, fix),
				}
				if diag != nil {
					ca.Diagnostics = []protocol.Diagnostic{*diag}
				}
				if ca.Edit != nil {
					out = append(out, ca)
				}
			}
		}
		return out, nil
	}, nil
}

func (s *Server) diagnostic(doc *source.Document, f check.Finding) *protocol.Diagnostic {
	r, err := doc.Range(f.Range.Start, f.Range.End)
	if err != nil {
		return nil
	}
	return &protocol.Diagnostic{Range: r, Severity: protocol.DiagnosticSeverity(f.Severity), Code: f.Check, Source: "krls", Message: f.Message}
}

// workspaceEdit converts a fix; nil when an edit does not fit its file.
func (s *Server) workspaceEdit(doc *source.Document, fix check.Fix) *protocol.WorkspaceEdit {
	changes := map[protocol.DocumentURI][]protocol.TextEdit{}
	for _, e := range fix.Edits {
		u, m := doc.URI, doc.Mapper
		if e.Path != "" && e.Path != doc.Filename {
			u = source.URI(e.Path)
			if m = s.diskMapper(e.Path); m == nil {
				return nil
			}
		}
		r, err := m.Range(e.Range.Start, e.Range.End)
		if err != nil {
			return nil
		}
		changes[u] = append(changes[u], protocol.TextEdit{Range: r, NewText: e.NewText})
	}
	return &protocol.WorkspaceEdit{Changes: changes}
}

// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"krls.dev/krls/lsp/completion"
	"krls.dev/krls/lsp/source"
)

func init() {
	methods[protocol.MethodTextDocumentCompletion] = request((*Server).completion)
}

var completionKinds = map[string]protocol.CompletionItemKind{
	"keyword":  protocol.CompletionItemKindKeyword,
	"value":    protocol.CompletionItemKindValue,
	"snippet":  protocol.CompletionItemKindSnippet,
	"struct":   protocol.CompletionItemKindStruct,
	"enum":     protocol.CompletionItemKindEnum,
	"property": protocol.CompletionItemKindProperty,
	"constant": protocol.CompletionItemKindConstant,
	"function": protocol.CompletionItemKindFunction,
	"module":   protocol.CompletionItemKindModule,
}

func (s *Server) completion(p *protocol.CompletionParams) (work, error) {
	a, err := s.position(p.TextDocumentPositionParams)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (any, error) {
		ix, err := s.idx.wait(ctx)
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
		var items []completion.Item
		if a.doc.Lang == source.LangRust {
			items, err = kworldCompleter(ix).Rust(ix, rustFile(a.doc), []byte(a.doc.Text()), a.offset)
		} else {
			items, err = s.kworldCompletion(ix, a), nil
		}
		if err != nil || items == nil {
			return nil, err
		}
		list := &protocol.CompletionList{Items: make([]protocol.CompletionItem, 0, len(items))}
		for _, it := range items {
			ci := protocol.CompletionItem{
				Label:      it.Label,
				Kind:       completionKinds[it.Kind],
				Detail:     it.Detail,
				SortText:   it.SortText,
				InsertText: it.InsertText,
			}
			if it.Doc != "" {
				ci.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Doc}
			}
			ci.InsertTextFormat = protocol.InsertTextFormatPlainText
			if it.Snippet {
				ci.InsertTextFormat = protocol.InsertTextFormatSnippet
			}
			if it.Edit != nil {
				if r, err := a.doc.Range(it.Edit.Start, it.Edit.End); err == nil {
					text := it.InsertText
					if text == "" {
						text = it.Label
					}
					ci.TextEdit = &protocol.TextEdit{Range: r, NewText: text}
				}
			}
			list.Items = append(list.Items, ci)
		}
		return list, nil
	}, nil
}

// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"krls.dev/krls/lsp/source"
)

func init() {
	methods[protocol.MethodInitialize] = inline(request((*Server).initialize))
	methods[protocol.MethodInitialized] = notification(func(s *Server, _ *struct{}) error {
		s.initOnce.Do(func() { close(s.initialized) })
		return nil
	})
	methods[protocol.MethodShutdown] = inline(request((*Server).shutdown))
	methods["$/setTrace"] = notification(func(*Server, *struct{}) error { return nil })
}

// Commands are the commands of workspace/executeCommand.
var Commands = []string{CmdReindex, CmdIndexStatus, CmdOpenKconfigEntry, CmdOpenMakefileLine, CmdOpenDocs}

// capabilities are what the server offers.
func capabilities() protocol.ServerCapabilities {
	return protocol.ServerCapabilities{
		TextDocumentSync: protocol.TextDocumentSyncOptions{
			OpenClose: true,
			Change:    protocol.TextDocumentSyncKindIncremental,
			Save:      &protocol.SaveOptions{},
		},
		CompletionProvider: &protocol.CompletionOptions{
			TriggerCharacters: []string{":", ".", "!"},
		},
		HoverProvider:      true,
		DefinitionProvider: true,
		ReferencesProvider: true,
		CodeActionProvider: &protocol.CodeActionOptions{
			CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix},
		},
		DocumentLinkProvider:   &protocol.DocumentLinkOptions{},
		ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: Commands},
	}
}

func (s *Server) initialize(p *protocol.InitializeParams) (work, error) {
	s.mu.Lock()
	if s.state != stateNew {
		s.mu.Unlock()
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize sent twice")
	}
	settings, err := parseSettings(p.InitializationOptions)
	if err != nil {
		s.mu.Unlock()
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, err.Error())
	}
	settings.Workspace = workspace(p)
	s.state = stateInitialized
	s.clientCaps = p.Capabilities
	s.mu.Unlock()
	name := ""
	if p.ClientInfo != nil {
		name = p.ClientInfo.Name + " " + p.ClientInfo.Version
	}
	s.log.Info("initialize", zap.String("client", name), zap.String("workspace", settings.Workspace))
	s.applySettings(settings, true)
	res := &protocol.InitializeResult{
		Capabilities: capabilities(),
		ServerInfo:   &protocol.ServerInfo{Name: "krls", Version: s.opts.Version},
	}
	return func(context.Context) (any, error) { return res, nil }, nil
}

// shutdown stops the background work; the connection stays open until exit.
func (s *Server) shutdown(*struct{}) (work, error) {
	s.mu.Lock()
	s.state = stateShutdown
	s.mu.Unlock()
	s.idx.stopAll()
	s.diag.stopAll()
	return func(context.Context) (any, error) { return nil, nil }, nil
}

// exit ends the connection with the code the specification asks for.
func (s *Server) exit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateExited {
		return
	}
	s.exitCode = 1
	if s.state == stateShutdown {
		s.exitCode = 0
	}
	s.state = stateExited
	close(s.exited)
}

func (s *Server) supportsProgress() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientCaps.Window != nil && s.clientCaps.Window.WorkDoneProgress
}

// workspace returns the client's root folder: the first workspace folder, rootUri or rootPath.
func workspace(p *protocol.InitializeParams) string {
	for _, f := range p.WorkspaceFolders {
		if dir, ok := source.Filename(protocol.DocumentURI(f.URI)); ok {
			return dir
		}
	}
	//lint:ignore SA1019 clients still send rootUri and rootPath (Neovim 0.7 sends rootUri)
	if dir, ok := source.Filename(p.RootURI); ok {
		return dir
	}
	//lint:ignore SA1019 see above
	return p.RootPath
}

func inline(m method) method {
	m.inline = true
	return m
}

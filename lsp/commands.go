// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"errors"
	"os"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"krls.dev/krls/lsp/source"
)

// The commands of workspace/executeCommand.
const (
	// CmdReindex reloads the index with the current settings; it answers at once, the index
	// loads in the background.
	CmdReindex = "krls.reindex"
	// CmdIndexStatus answers an IndexStatus.
	CmdIndexStatus = "krls.indexStatus"
	// CmdOpenKconfigEntry takes a symbol ("SAMPLE_RUST_MINIMAL" or "CONFIG_SAMPLE_RUST_MINIMAL")
	// and answers the Locations of its Kconfig entries.
	CmdOpenKconfigEntry = "krls.openKconfigEntry"
	// CmdOpenMakefileLine takes a .rs file (path or URI) and answers the Locations of the
	// Makefile/Kbuild lines that build it.
	CmdOpenMakefileLine = "krls.openMakefileLine"
	// CmdOpenDocs takes a URL (the "open the docs" fixes of checks) and asks the client to
	// open it with window/showDocument; it answers whether the client did.
	CmdOpenDocs = "krls.openDocs"
)

func init() {
	methods[protocol.MethodWorkspaceExecuteCommand] = request((*Server).executeCommand)
	methods[protocol.MethodWorkspaceDidChangeConfiguration] = notification((*Server).didChangeConfiguration)
}

// didChangeConfiguration replaces the settings with the ones sent. Settings that are null or
// an empty object change nothing: some clients send them to say "pull the configuration",
// and they must not reset what initializationOptions set.
func (s *Server) didChangeConfiguration(p *protocol.DidChangeConfigurationParams) error {
	if m, ok := p.Settings.(map[string]any); p.Settings == nil || ok && len(m) == 0 {
		return nil
	}
	if m, ok := p.Settings.(map[string]any); ok && len(m) == 1 && m["krls"] == nil {
		if _, has := m["krls"]; has {
			return nil
		}
	}
	set, err := parseSettings(p.Settings)
	if err != nil {
		return err
	}
	s.applySettings(set, false)
	return nil
}

func (s *Server) executeCommand(p *protocol.ExecuteCommandParams) (work, error) {
	arg := ""
	if len(p.Arguments) > 0 {
		if str, ok := p.Arguments[0].(string); ok {
			arg = str
		}
	}
	switch p.Command {
	case CmdReindex:
		s.idx.reload(s.currentSettings())
		s.diag.all()
		return func(context.Context) (any, error) { return nil, nil }, nil
	case CmdIndexStatus:
		return func(context.Context) (any, error) { return s.idx.status(), nil }, nil
	case CmdOpenDocs:
		if !strings.HasPrefix(arg, "https://") && !strings.HasPrefix(arg, "http://") {
			return nil, invalidParams("%s takes one http(s) URL", p.Command)
		}
		return func(ctx context.Context) (any, error) {
			var res struct {
				Success bool `json:"success"`
			}
			_, err := s.conn.Call(ctx, "window/showDocument", map[string]any{"uri": arg, "external": true}, &res)
			if err != nil {
				if ctx.Err() != nil {
					return nil, err
				}
				s.log.Debug("window/showDocument refused", zap.Error(err))
				return false, nil
			}
			return res.Success, nil
		}, nil
	case CmdOpenKconfigEntry, CmdOpenMakefileLine:
		if arg == "" {
			return nil, invalidParams("%s takes one string argument", p.Command)
		}
		lookup := s.opts.LookupKconfig
		if p.Command == CmdOpenMakefileLine {
			lookup = s.opts.LookupMakefile
			if f, ok := source.Filename(protocol.DocumentURI(arg)); ok {
				arg = f
			}
		}
		return func(ctx context.Context) (any, error) {
			if lookup == nil {
				return []protocol.Location{}, nil
			}
			ix, err := s.idx.wait(ctx)
			if err != nil && !errors.Is(err, errNoIndex) {
				return nil, err
			}
			locs, err := lookup(ctx, ix, arg)
			if err != nil {
				return nil, err
			}
			return s.locations(locs), nil
		}, nil
	}
	return nil, invalidParams("unknown command %q", p.Command)
}

// locations maps locations on disk to protocol locations, reading each file once for its
// UTF-16 columns. Files that cannot be read keep byte columns (a best effort; they hold ASCII
// in practice) rather than vanish.
func (s *Server) locations(locs []Location) []protocol.Location {
	out := make([]protocol.Location, 0, len(locs))
	mappers := map[string]*source.Mapper{}
	for _, l := range locs {
		m, ok := mappers[l.File]
		if !ok {
			m = s.diskMapper(l.File)
			mappers[l.File] = m
		}
		endLine, endCol := l.EndLine, l.EndCol
		if endLine == 0 {
			endLine, endCol = l.Line, l.Col
		}
		out = append(out, protocol.Location{URI: source.URI(l.File), Range: mapRange(m, l.Line, l.Col, endLine, endCol)})
	}
	return out
}

// diskMapper returns the mapper of a file: the open document's if the editor has it, else the
// file read from disk, else nil.
func (s *Server) diskMapper(file string) *source.Mapper {
	if d := s.docs.Get(source.URI(file)); d != nil {
		return d.Mapper
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	return source.NewMapper(string(b))
}

// mapRange maps an index range (1-based lines, byte columns) through m; without a mapper the
// byte columns are kept.
func mapRange(m *source.Mapper, line, col, endLine, endCol int) protocol.Range {
	conv := func(l, c int) protocol.Position {
		if m != nil {
			if p, err := m.LineColPosition(l, c); err == nil {
				return p
			}
		}
		if l < 1 {
			l = 1
		}
		if c < 0 {
			c = 0
		}
		return protocol.Position{Line: uint32(l - 1), Character: uint32(c)}
	}
	return protocol.Range{Start: conv(line, col), End: conv(endLine, endCol)}
}

// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"krls.dev/krls/lsp/source"
)

// work is the part of a request that runs off the read loop.
type work func(ctx context.Context) (any, error)

// method is the handler of one LSP method. call handles requests: it runs on the read loop,
// must be cheap, decodes the params and returns the work; notify handles notifications,
// entirely on the read loop (text sync must be ordered).
type method struct {
	call   func(s *Server, params json.RawMessage) (work, error)
	notify func(s *Server, params json.RawMessage) error
	// inline runs the work on the read loop too: for initialize and shutdown, whose replies
	// must go out before anything that follows them is handled (an exit right behind a
	// shutdown would otherwise cancel it).
	inline bool
}

// methods is the dispatch table; each LSP area registers its methods in its own file.
var methods = map[string]method{}

// request adapts a typed request handler.
func request[P any](f func(s *Server, p *P) (work, error)) method {
	return method{call: func(s *Server, raw json.RawMessage) (work, error) {
		p := new(P)
		if err := decodeParams(raw, p); err != nil {
			return nil, err
		}
		return f(s, p)
	}}
}

// notification adapts a typed notification handler.
func notification[P any](f func(s *Server, p *P) error) method {
	return method{notify: func(s *Server, raw json.RawMessage) error {
		p := new(P)
		if err := decodeParams(raw, p); err != nil {
			return err
		}
		return f(s, p)
	}}
}

// decodeParams decodes params; omitted, null and {} params all decode to the zero value (some
// clients send shutdown with "params": {} or null, which go.lsp.dev/protocol v0.12 rejects).
func decodeParams(raw json.RawMessage, p any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, p); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params: %v", err)
	}
	return nil
}

// errorCode returns the JSON-RPC error for err: jsonrpc2 errors as they are, context ends as
// RequestCancelled, positions out of range as InvalidParams, anything else InternalError.
func replyError(err error) error {
	var je *jsonrpc2.Error
	switch {
	case errors.As(err, &je):
		return je
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return jsonrpc2.NewError(protocol.CodeRequestCancelled, "request cancelled")
	case errors.Is(err, source.ErrOutOfRange):
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, err.Error())
	}
	return jsonrpc2.NewError(jsonrpc2.InternalError, err.Error())
}

// handle is the jsonrpc2 handler: lifecycle gating, dispatch, cancellation and panic
// recovery. It never returns an error: jsonrpc2 v0.10 closes the connection on one.
func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	call, isCall := req.(*jsonrpc2.Call)
	name := req.Method()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", zap.String("method", name), zap.Any("panic", r),
				zap.ByteString("stack", debug.Stack()))
			if isCall {
				s.reply(ctx, reply, name, nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", name, r))
			}
		}
	}()

	if name == "$/cancelRequest" {
		s.cancelRequest(req.Params())
		return nil
	}

	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	switch {
	case name == protocol.MethodExit:
		s.exit()
		return nil
	case st == stateNew && name != protocol.MethodInitialize:
		if isCall {
			s.reply(ctx, reply, name, nil, jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "the server is not initialized"))
		}
		return nil
	case st == stateShutdown || st == stateExited:
		if isCall {
			s.reply(ctx, reply, name, nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the server is shutting down"))
		}
		return nil
	}

	m, ok := methods[name]
	switch {
	case !ok || (isCall && m.call == nil) || (!isCall && m.notify == nil):
		// Unimplemented methods are normal (clients probe); no error log.
		s.log.Debug("method not found", zap.String("method", name))
		if isCall {
			s.reply(ctx, reply, name, nil, jsonrpc2.NewError(jsonrpc2.MethodNotFound, "method not found: "+name))
		}
		return nil
	case !isCall:
		if err := m.notify(s, req.Params()); err != nil {
			s.log.Warn("notification failed", zap.String("method", name), zap.Error(err))
		}
		return nil
	}

	w, err := m.call(s, req.Params())
	if err != nil || w == nil {
		s.reply(ctx, reply, name, nil, err)
		return nil
	}
	if m.inline {
		res, err := w(s.ctx)
		s.reply(ctx, reply, name, res, err)
		return nil
	}
	rctx, cancel := context.WithCancel(s.ctx)
	id := call.ID()
	s.mu.Lock()
	s.pending[id] = cancel
	s.mu.Unlock()
	s.work.Add(1)
	go func() {
		defer s.work.Done()
		defer func() {
			s.mu.Lock()
			delete(s.pending, id)
			s.mu.Unlock()
			cancel()
		}()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in request", zap.String("method", name), zap.Any("panic", r),
					zap.ByteString("stack", debug.Stack()))
				s.reply(rctx, reply, name, nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", name, r))
			}
		}()
		res, err := w(rctx)
		if err == nil && rctx.Err() != nil {
			err = rctx.Err() // cancelled while finishing: the client no longer wants it
		}
		s.reply(rctx, reply, name, res, err)
	}()
	return nil
}

// reply answers a request; the write itself is never cancelled.
func (s *Server) reply(_ context.Context, reply jsonrpc2.Replier, name string, res any, err error) {
	if err != nil {
		err = replyError(err)
		if je := err.(*jsonrpc2.Error); je.Code == jsonrpc2.InternalError {
			s.log.Error("request failed", zap.String("method", name), zap.Error(err))
		} else {
			s.log.Debug("request error", zap.String("method", name), zap.Error(err))
		}
		res = nil
	}
	if werr := reply(context.Background(), res, err); werr != nil {
		s.log.Debug("reply not sent", zap.String("method", name), zap.Error(werr))
	}
}

// cancelRequest cancels the context of a running request; its handler replies
// RequestCancelled.
func (s *Server) cancelRequest(raw json.RawMessage) {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if err := decodeParams(raw, &p); err != nil || len(p.ID) == 0 {
		s.log.Debug("bad $/cancelRequest", zap.ByteString("params", raw))
		return
	}
	var id jsonrpc2.ID
	if err := id.UnmarshalJSON(p.ID); err != nil {
		return
	}
	s.mu.Lock()
	cancel := s.pending[id]
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// invalidParams is an InvalidParams error.
func invalidParams(format string, args ...any) error {
	return jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf(format, args...))
}

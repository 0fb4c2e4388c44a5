// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// progress reports one piece of background work with window/workDoneProgress/create and
// $/progress begin/report/end, when the client says it supports them. Its events go through
// one goroutine so they keep their order; it waits for the initialized notification, since the
// server may not send requests before the client has its initialize result.
type progress struct {
	events chan protocol.WorkDoneProgressReport
	done   chan string
}

// beginProgress starts reporting; a no-op when the client does not support progress.
//
// The progress lives on the server's context, not the work's: a load that ends (and cancels
// its context) before the client acknowledged the token still reports begin and end.
func (s *Server) beginProgress(title string) *progress {
	if !s.supportsProgress() {
		return nil
	}
	p := &progress{events: make(chan protocol.WorkDoneProgressReport, 16), done: make(chan string, 1)}
	s.mu.Lock()
	s.progressSeq++
	token := protocol.NewProgressToken(fmt.Sprintf("krls-%d", s.progressSeq))
	s.mu.Unlock()
	s.work.Add(1)
	go func() {
		defer s.work.Done()
		select {
		case <-s.initialized:
		case <-s.ctx.Done():
			return
		case <-s.exited:
			return
		}
		_, err := s.conn.Call(s.ctx, protocol.MethodWorkDoneProgressCreate,
			&protocol.WorkDoneProgressCreateParams{Token: *token}, nil)
		if err != nil {
			s.log.Debug("workDoneProgress/create refused", zap.Error(err))
			return
		}
		s.notify(protocol.MethodProgress, &protocol.ProgressParams{Token: *token, Value: &protocol.WorkDoneProgressBegin{
			Kind: protocol.WorkDoneProgressKindBegin, Title: title,
		}})
		for {
			select {
			case r := <-p.events:
				s.notify(protocol.MethodProgress, &protocol.ProgressParams{Token: *token, Value: &r})
			case msg := <-p.done:
				for drained := false; !drained; { // reports sent before end go first
					select {
					case r := <-p.events:
						s.notify(protocol.MethodProgress, &protocol.ProgressParams{Token: *token, Value: &r})
					default:
						drained = true
					}
				}
				s.notify(protocol.MethodProgress, &protocol.ProgressParams{Token: *token, Value: &protocol.WorkDoneProgressEnd{
					Kind: protocol.WorkDoneProgressKindEnd, Message: msg,
				}})
				return
			case <-s.ctx.Done(): // the connection ended; the work itself always calls end
				return
			}
		}
	}()
	return p
}

// report sends a message; dropped when the client is slow, never blocking the work.
func (p *progress) report(msg string, pct uint32) {
	if p == nil {
		return
	}
	select {
	case p.events <- protocol.WorkDoneProgressReport{Kind: protocol.WorkDoneProgressKindReport, Message: msg, Percentage: pct}:
	default:
	}
}

// end finishes the progress with a message.
func (p *progress) end(msg string) {
	if p == nil {
		return
	}
	select {
	case p.done <- msg:
	default:
	}
}

type progressKey struct{}

func withProgress(ctx context.Context, p *progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// Report sends a progress report for the background work of ctx (the context LoadIndex gets):
// a message and a percentage (0 for none). It does nothing when the client does not show
// progress.
func Report(ctx context.Context, message string, percentage uint32) {
	p, _ := ctx.Value(progressKey{}).(*progress)
	p.report(message, percentage)
}

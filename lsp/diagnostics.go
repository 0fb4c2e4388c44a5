// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/source"
)

// diagnostics runs the checks of each open document off the request path: one cancellable
// goroutine per document, publishing with the version it checked (empty lists too, so fixed
// problems disappear). Edits in a burst are debounced (see schedule).
type diagnostics struct {
	s        *Server
	mu       sync.Mutex
	debounce time.Duration
	jobs     map[protocol.DocumentURI]*diagJob
	stopped  bool
	wg       sync.WaitGroup
}

type diagJob struct {
	cancel context.CancelFunc
}

func newDiagnostics(s *Server) *diagnostics {
	return &diagnostics{s: s, debounce: s.opts.Debounce, jobs: map[protocol.DocumentURI]*diagJob{}}
}

func (d *diagnostics) setDebounce(t time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.debounce = t
}

// schedule (re)starts the checks of a document version, cancelling the older run.
func (d *diagnostics) schedule(doc *source.Document) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	// An edit that arrives while the checks of the previous version are still pending is
	// part of a burst (typing): it waits for the quiet time so the burst is checked once. An
	// edit to an idle document is checked at once, so a single change shows its diagnostics
	// without the debounce delay.
	delay := time.Duration(0)
	if old := d.jobs[doc.URI]; old != nil {
		old.cancel()
		delay = d.debounce
	}
	ctx, cancel := context.WithCancel(d.s.ctx)
	job := &diagJob{cancel: cancel}
	d.jobs[doc.URI] = job
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer cancel()
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
		diags := d.run(ctx, doc)
		if ctx.Err() != nil {
			return
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.jobs[doc.URI] != job || ctx.Err() != nil {
			return // a newer version or a close took over
		}
		delete(d.jobs, doc.URI)
		d.publish(doc.URI, &doc.Version, diags)
	}()
}

// run computes the diagnostics of a document; a panic in a check is logged and gives none.
func (d *diagnostics) run(ctx context.Context, doc *source.Document) (out []protocol.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			d.s.log.Error("panic in checks", zap.String("uri", string(doc.URI)), zap.Any("panic", r))
			out = nil
		}
	}()
	ix, err := d.s.idx.wait(ctx)
	if err != nil && !errors.Is(err, errNoIndex) {
		if ctx.Err() == nil {
			d.s.log.Debug("checks without index", zap.Error(err))
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	out, err = d.s.check(ctx, doc, ix, d.s.currentSettings())
	if err != nil && ctx.Err() == nil {
		d.s.log.Warn("checks failed", zap.String("uri", string(doc.URI)), zap.Error(err))
	}
	return out
}

// publishParams is PublishDiagnosticsParams with a version that is sent even when 0.
type publishParams struct {
	URI         protocol.DocumentURI  `json:"uri"`
	Version     *int32                `json:"version,omitempty"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
}

// publish sends the diagnostics; d.mu is held so an older run never overwrites a newer one.
func (d *diagnostics) publish(u protocol.DocumentURI, version *int32, diags []protocol.Diagnostic) {
	if diags == nil {
		diags = []protocol.Diagnostic{}
	}
	d.s.notify(protocol.MethodTextDocumentPublishDiagnostics, &publishParams{URI: u, Version: version, Diagnostics: diags})
	if h := d.s.opts.OnPublish; h != nil {
		v := int32(-1)
		if version != nil {
			v = *version
		}
		h(u, v, len(diags))
	}
}

// clear cancels the checks of a closed document and clears its diagnostics.
func (d *diagnostics) clear(u protocol.DocumentURI) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if old := d.jobs[u]; old != nil {
		old.cancel()
		delete(d.jobs, u)
	}
	if !d.stopped {
		d.publish(u, nil, nil)
	}
}

// all re-runs the checks of every open document (settings or index changed).
func (d *diagnostics) all() {
	for _, doc := range d.s.docs.All() {
		d.schedule(doc)
	}
}

// stopAll cancels every run; nothing is published after it.
func (d *diagnostics) stopAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	for u, j := range d.jobs {
		j.cancel()
		delete(d.jobs, u)
	}
}

func (d *diagnostics) waitDone() { d.wg.Wait() }

// check runs the checks that apply to a document and converts their findings.
func (s *Server) check(_ context.Context, doc *source.Document, ix *index.Index, set Settings) ([]protocol.Diagnostic, error) {
	fs := findings(doc, ix, set)
	out := make([]protocol.Diagnostic, 0, len(fs))
	for _, f := range fs {
		r, err := doc.Range(f.Range.Start, f.Range.End)
		if err != nil {
			s.log.Warn("finding out of the text", zap.String("check", f.Check), zap.Error(err))
			continue
		}
		out = append(out, protocol.Diagnostic{
			Range:    r,
			Severity: protocol.DiagnosticSeverity(f.Severity),
			Code:     f.Check,
			Source:   "krls",
			Message:  f.Message,
		})
	}
	return out, nil
}

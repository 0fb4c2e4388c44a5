// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"krls.dev/krls/index"
)

// errNoIndex is returned by waitIndex when no index could be loaded; handlers answer with
// what they know without one.
var errNoIndex = errors.New("no kernel index")

// indexState loads the index in the background, one generation at a time: a newer load
// cancels the older. Handlers wait for the current generation with their request context.
type indexState struct {
	s  *Server
	mu sync.Mutex
	// gen is the generation of the current load.
	gen     int
	ix      *index.Index
	err     error
	ready   chan struct{} // closed when generation gen finished
	cancel  context.CancelFunc
	started time.Time
	took    time.Duration
	wg      sync.WaitGroup
}

func newIndexState(s *Server) *indexState {
	ready := make(chan struct{})
	close(ready) // before initialize there is no load to wait for
	return &indexState{s: s, ready: ready, err: errNoIndex}
}

// reload starts loading the index for settings, cancelling any load in progress.
func (st *indexState) reload(set Settings) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.cancel != nil {
		st.cancel()
	}
	st.gen++
	gen := st.gen
	ready := make(chan struct{})
	st.ready, st.ix, st.err = ready, nil, nil
	st.started = time.Now()
	load := st.s.opts.LoadIndex
	if load == nil {
		st.err = errNoIndex
		close(ready)
		return
	}
	ctx, cancel := context.WithCancel(st.s.ctx)
	st.cancel = cancel
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		defer cancel()
		prog := st.s.beginProgress("krls: indexing the kernel tree")
		var ix *index.Index
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					st.s.log.Error("panic while loading the index", zap.Any("panic", r))
					err = fmt.Errorf("internal error while loading the index: %v", r)
				}
			}()
			ix, err = load(withProgress(ctx, prog), set)
			if err == nil && ix == nil {
				err = errNoIndex
			}
			return err
		}()
		st.mu.Lock()
		if st.gen != gen { // replaced: the newer load reports
			st.mu.Unlock()
			prog.end("replaced by a newer load")
			return
		}
		st.ix, st.err, st.took = ix, err, time.Since(st.started)
		close(ready)
		st.mu.Unlock()
		if err != nil {
			st.s.log.Warn("no kernel index", zap.Error(err))
			prog.end("no kernel index: " + err.Error())
		} else {
			st.s.log.Info("index ready", zap.String("root", ix.Root), zap.String("version", ix.Version),
				zap.Int("items", len(ix.Items)), zap.Duration("took", st.took))
			prog.end(fmt.Sprintf("%d items of Linux %s", len(ix.Items), ix.Version))
			st.loadWorld(ix)
		}
	}()
}

// wait returns the index once the current load finished, or ctx's error. A later reload while
// waiting is followed.
func (st *indexState) wait(ctx context.Context) (*index.Index, error) {
	for {
		st.mu.Lock()
		ready, gen := st.ready, st.gen
		st.mu.Unlock()
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		st.mu.Lock()
		if st.gen == gen {
			ix, err := st.ix, st.err
			st.mu.Unlock()
			return ix, err
		}
		st.mu.Unlock()
	}
}

// status describes the index for krls.indexStatus.
func (st *indexState) status() IndexStatus {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := IndexStatus{Generation: st.gen}
	select {
	case <-st.ready:
	default:
		out.State = "loading"
		return out
	}
	if st.err != nil {
		out.State, out.Error = "unavailable", st.err.Error()
		return out
	}
	ix := st.ix
	out.State = "ready"
	out.Root, out.Build, out.Version = ix.Root, ix.Build, ix.Version
	out.Items, out.Helpers, out.Wrappers = len(ix.Items), len(ix.Helpers), len(ix.Wrappers)
	out.Missing = ix.Missing
	out.Problems = len(ix.Problems)
	out.LoadMs = st.took.Milliseconds()
	for _, m := range ix.Modules {
		out.ModuleMacros = append(out.ModuleMacros, m.Name)
	}
	return out
}

// stopAll cancels the load in progress.
func (st *indexState) stopAll() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.cancel != nil {
		st.cancel()
	}
}

// waitDone waits for the loading goroutines.
func (st *indexState) waitDone() { st.wg.Wait() }

// IndexStatus is the answer of krls.indexStatus.
type IndexStatus struct {
	State        string   `json:"state"` // loading, ready, unavailable
	Error        string   `json:"error,omitempty"`
	Generation   int      `json:"generation"`
	Root         string   `json:"root,omitempty"`
	Build        string   `json:"build,omitempty"`
	Version      string   `json:"version,omitempty"`
	Items        int      `json:"items"`
	Helpers      int      `json:"helpers"`
	Wrappers     int      `json:"wrappers"`
	ModuleMacros []string `json:"moduleMacros,omitempty"`
	Missing      []string `json:"missing,omitempty"`
	Problems     int      `json:"problems"`
	LoadMs       int64    `json:"loadMs"`
}

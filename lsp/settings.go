// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"go.uber.org/zap/zapcore"
)

// Settings are the client's settings, from initializationOptions and
// workspace/didChangeConfiguration. Both may wrap them in a "krls" object.
type Settings struct {
	// Kernel is the kernel source tree; "" means find it (KDIR, rust-project.json, walking up).
	Kernel string `json:"kernel,omitempty"`
	// Build is the O= build tree holding the generated bindings; "" means the source tree.
	Build string `json:"build,omitempty"`
	// Checks turns checks on or off by id; checks not named keep their default.
	Checks map[string]bool `json:"checks,omitempty"`
	// LogLevel is debug, info, warn or error; it can only make the server quieter than the
	// level it was started with.
	LogLevel string `json:"logLevel,omitempty"`
	// Workspace is the client's root folder (from initialize, not a setting): where the tree is
	// looked for when Kernel is empty.
	Workspace string `json:"-"`
	// DebounceMs overrides the quiet time before diagnostics (tests, slow machines).
	DebounceMs *int `json:"debounceMs,omitempty"`
}

// parseSettings reads settings from raw JSON: null or absent gives zero settings.
func parseSettings(raw any) (Settings, error) {
	var s Settings
	if raw == nil {
		return s, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return s, err
	}
	var wrapped struct {
		Krls *json.RawMessage `json:"krls"`
	}
	if json.Unmarshal(b, &wrapped) == nil && wrapped.Krls != nil {
		b = *wrapped.Krls
	}
	if string(b) == "null" {
		return s, nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return Settings{}, fmt.Errorf("settings: %w", err)
	}
	if s.LogLevel != "" {
		var l zapcore.Level
		if err := l.UnmarshalText([]byte(s.LogLevel)); err != nil {
			return Settings{}, fmt.Errorf("settings: logLevel %q: use debug, info, warn or error", s.LogLevel)
		}
	}
	return s, nil
}

// indexKey is what a change of settings must reload the index for.
func (s Settings) indexKey() [3]string { return [3]string{s.Kernel, s.Build, s.Workspace} }

// CheckEnabled reports whether check id is on, given its default.
func (s Settings) CheckEnabled(id string, def bool) bool {
	if on, ok := s.Checks[id]; ok {
		return on
	}
	return def
}

func (s Settings) clone() Settings {
	s.Checks = maps.Clone(s.Checks)
	return s
}

// applySettings installs new settings; it reloads the index when kernel or build changed and
// re-runs diagnostics when checks changed.
func (srv *Server) applySettings(ns Settings, initial bool) {
	srv.mu.Lock()
	old := srv.settings
	if !initial {
		ns.Workspace = old.Workspace
	}
	srv.settings = ns.clone()
	srv.mu.Unlock()
	if ns.LogLevel != "" {
		var l zapcore.Level
		if l.UnmarshalText([]byte(ns.LogLevel)) == nil {
			srv.level.SetLevel(l)
		}
	}
	if ns.DebounceMs != nil {
		srv.diag.setDebounce(time.Duration(*ns.DebounceMs) * time.Millisecond)
	}
	if initial || old.indexKey() != ns.indexKey() {
		srv.idx.reload(ns)
		if !initial {
			srv.diag.all()
		}
		return
	}
	if !maps.Equal(old.Checks, ns.Checks) {
		srv.diag.all()
	}
}

func (srv *Server) currentSettings() Settings {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.settings.clone()
}

// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// FingerprintKey is the name of krls's fingerprint in SARIF partialFingerprints.
const FingerprintKey = "krlsFinding/v1"

// fingerprint identifies a finding across edits that do not touch it: the check, the file
// (relative to its SARIF base, see Finding.URI), the text of the flagged line with its
// whitespace normalised, and the rank of the finding among the findings of the same check on
// equal lines of the file. The line number is left out, so adding a line above a finding keeps
// its fingerprint; re-indenting the line keeps it too.
func fingerprint(check, uri, lineText string, occurrence int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d", check, uri, normalizeLine(lineText), occurrence)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func normalizeLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// setFingerprints fills Fingerprint for findings of one file, in position order.
func setFingerprints(fs []Finding, ls *lines) {
	seen := map[string]int{}
	for i := range fs {
		f := &fs[i]
		text := normalizeLine(ls.line(f.Line))
		key := f.Check + "\x00" + text
		f.Fingerprint = fingerprint(f.Check, f.URI, text, seen[key])
		seen[key]++
	}
}

// Baseline is a set of known findings: `krls lint --write-baseline FILE` records the findings
// of a tree, and `--baseline FILE` then reports only the findings not in it, so a tree with
// old findings can adopt the tool and fail on new ones only. Entries are keyed by fingerprint;
// the other fields are for the reader of the file.
type Baseline struct {
	Version  int             `json:"version"`
	Tool     string          `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
	set      map[string]bool
}

// BaselineEntry is one known finding.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Check       string `json:"check"`
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Message     string `json:"message"`
}

// BaselineVersion is the format version of baseline files.
const BaselineVersion = 1

// NewBaseline records findings.
func NewBaseline(fs []Finding) *Baseline {
	b := &Baseline{Version: BaselineVersion, Tool: "krls", Findings: []BaselineEntry{}}
	for _, f := range fs {
		b.Findings = append(b.Findings, BaselineEntry{Fingerprint: f.Fingerprint, Check: f.Check,
			Path: f.URI, Line: f.Line, Message: f.Message})
	}
	sort.Slice(b.Findings, func(i, j int) bool {
		x, y := b.Findings[i], b.Findings[j]
		if x.Path != y.Path {
			return x.Path < y.Path
		}
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		return x.Fingerprint < y.Fingerprint
	})
	return b
}

// Has reports whether the baseline knows the fingerprint.
func (b *Baseline) Has(fp string) bool {
	if b == nil {
		return false
	}
	if b.set == nil {
		b.set = make(map[string]bool, len(b.Findings))
		for _, e := range b.Findings {
			b.set[e.Fingerprint] = true
		}
	}
	return b.set[fp]
}

// ReadBaseline loads a baseline file.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("baseline %s: not a krls baseline: %v", path, err)
	}
	if b.Version != BaselineVersion || b.Tool != "krls" {
		return nil, fmt.Errorf("baseline %s: not a krls baseline of version %d", path, BaselineVersion)
	}
	return &b, nil
}

// Write saves the baseline.
func (b *Baseline) Write(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"krls.dev/krls/lsp/check"
)

// The output formats of krls lint.
const (
	FormatText  = "text"
	FormatJSON  = "json"
	FormatSARIF = "sarif"
)

// Formats lists the output formats.
var Formats = []string{FormatText, FormatJSON, FormatSARIF}

// JSONVersion is the version of the JSON format (docs/lint-json.md). It changes only when a
// field changes meaning or goes away; new fields may appear without a change.
const JSONVersion = 1

// Tool names the program in the JSON and SARIF outputs.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Report is a run ready to be written: the result and what the outputs say about the run.
type Report struct {
	Result *Result
	Tool   Tool
	// Dir is the working folder (SARIF %SRCROOT%), Root the kernel tree (KERNELROOT, may be "").
	Dir, Root string
	// Checks are the checks of the registry (SARIF rules, in this order).
	Checks []*check.Check
}

// Write writes the report in format.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatText:
		return r.WriteText(w)
	case FormatJSON:
		return r.WriteJSON(w)
	case FormatSARIF:
		return r.WriteSARIF(w)
	}
	return fmt.Errorf("unknown format %q (want text, json or sarif)", format)
}

// WriteText writes one line per finding, `path:line:col: severity: message [check-id]`, the
// form of GCC and rustc that editors (Vim's errorformat, Emacs's compilation mode, VS Code's
// problem matchers) and CI log parsers read. File errors are not written here (the command
// writes them to stderr).
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Result.Findings {
		fmt.Fprintf(&b, "%s:%d:%d: %s: %s [%s]\n", f.Path, f.Line, f.Col, f.Severity, oneLine(f.Message), f.Check)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// oneLine keeps a message on the line of its finding.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// jsonReport is the JSON document, described in docs/lint-json.md.
type jsonReport struct {
	Version  int         `json:"version"`
	Tool     Tool        `json:"tool"`
	Findings []Finding   `json:"findings"`
	Errors   []FileError `json:"errors"`
	Summary  Summary     `json:"summary"`
}

// Summary counts what a run found.
type Summary struct {
	Files      int `json:"files"`
	Findings   int `json:"findings"`
	Error      int `json:"error"`
	Warning    int `json:"warning"`
	Note       int `json:"note"`
	Suppressed int `json:"suppressed"`
	Baselined  int `json:"baselined"`
	FileErrors int `json:"file_errors"`
	Generated  int `json:"generated"`
}

// Summary returns the counts of a result.
func (r *Result) Summary() Summary {
	c := r.Count()
	return Summary{Files: r.Files, Findings: len(r.Findings), Error: c[SeverityError],
		Warning: c[SeverityWarning], Note: c[SeverityNote], Suppressed: r.Suppressed,
		Baselined: r.Baselined, FileErrors: len(r.Errors), Generated: r.Generated}
}

// WriteJSON writes the report as one JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	doc := jsonReport{Version: JSONVersion, Tool: r.Tool, Findings: r.Result.Findings,
		Errors: r.Result.Errors, Summary: r.Result.Summary()}
	if doc.Errors == nil {
		doc.Errors = []FileError{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// escapeURI turns a slash-separated relative path into a relative URI reference.
func escapeURI(rel string) string {
	return (&url.URL{Path: rel}).EscapedPath()
}

// fileURI turns an absolute path into a file URI; a folder's ends with a slash.
func fileURI(abs string) string {
	return (&url.URL{Scheme: "file", Path: abs}).String()
}

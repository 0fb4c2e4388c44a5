// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"io"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// InformationURI is the home page of krls, the SARIF tool's informationUri.
const InformationURI = "https://krls.dev/krls"

// ChecksDocURI is where docs/checks.md is published; rule helpUri is this plus "#" + id.
const ChecksDocURI = InformationURI + "/docs/checks.md"

// WriteSARIF writes the report as a SARIF 2.1.0 log that GitHub code scanning accepts:
//   - one rule per check of the registry, with its name, summary, markdown help and default
//     level;
//   - locations relative to %SRCROOT% (the working folder: run lint from the repository root
//     for code scanning) or KERNELROOT (the kernel tree), both given in originalUriBaseIds;
//   - partialFingerprints under FingerprintKey, stable across unrelated edits;
//   - fixes from the checks' code actions;
//   - file errors as toolExecutionNotifications of the invocation.
//
// Columns are Unicode code points (columnKind "unicodeCodePoints"), as in the other formats.
func (r *Report) WriteSARIF(w io.Writer) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	driver := sarif.NewVersionedDriver(r.Tool.Name, r.Tool.Version).
		WithInformationURI(InformationURI).
		WithSemanticVersion(semver(r.Tool.Version)).
		WithFullName("krls, the language server and lint tool for Linux kernel modules in Rust")
	ruleIndex := map[string]int{}
	for _, c := range r.Checks {
		rule := sarif.NewRule(c.ID).
			WithName(ruleName(c.Name, c.ID)).
			WithShortDescription(sarif.NewMultiformatMessageString(oneLine(c.Summary))).
			WithHelpURI(ChecksDocURI + "#" + c.ID).
			WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: SeverityName(c.Severity)})
		if why := oneLine(c.Why); why != "" {
			rule.WithFullDescription(sarif.NewMultiformatMessageString(why))
		}
		help := sarif.NewMultiformatMessageString(helpText(c)).WithMarkdown(checkMarkdown(c, 1))
		rule.WithHelp(help)
		ruleIndex[c.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, rule)
	}
	run := sarif.NewRun(*sarif.NewTool(driver))
	run.ColumnKind = "unicodeCodePoints"
	bases := map[string]*sarif.ArtifactLocation{
		"SRCROOT": sarif.NewArtifactLocation().WithUri(dirURI(r.Dir)).
			WithDescriptionText("The folder krls lint ran in; paths are relative to it."),
	}
	if r.Root != "" {
		bases["KERNELROOT"] = sarif.NewArtifactLocation().WithUri(dirURI(r.Root)).
			WithDescriptionText("The kernel source tree the findings were computed against.")
	}
	run.WithOriginalUriBaseIds(bases)

	inv := run.AddInvocation(true)
	for _, e := range r.Result.Errors {
		n := sarif.NewNotification().WithLevel("error").WithTextMessage(e.Path + ": " + e.Message)
		abs := e.Path
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(r.Dir, filepath.FromSlash(abs))
		}
		pl := placer{dir: r.Dir, root: r.Root}
		uri, base := pl.uri(abs)
		n.WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
			sarif.NewPhysicalLocation().WithArtifactLocation(artifact(uri, base)))})
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}

	for _, f := range r.Result.Findings {
		res := sarif.NewRuleResult(f.Check).
			WithLevel(f.Severity).
			WithMessage(sarif.NewTextMessage(oneLine(f.Message))).
			WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().
					WithArtifactLocation(artifact(f.URI, f.BaseID)).
					WithRegion(region(f.Line, f.Col, f.EndLine, f.EndCol)))}).
			WithPartialFingerPrints(map[string]interface{}{FingerprintKey: f.Fingerprint})
		if i, ok := ruleIndex[f.Check]; ok {
			res.WithRuleIndex(i)
		}
		for _, fx := range f.Fixes {
			sf := sarif.NewFix().WithDescriptionText(fx.Title)
			byFile := map[string]*sarif.ArtifactChange{}
			for _, e := range fx.Edits {
				key := e.BaseID + "\x00" + e.URI
				ch := byFile[key]
				if ch == nil {
					ch = sarif.NewArtifactChange(artifact(e.URI, e.BaseID))
					byFile[key] = ch
					sf.AddArtifactChanges(ch)
				}
				ch.WithReplacement(sarif.NewReplacement(region(e.Line, e.Col, e.EndLine, e.EndCol)).
					WithInsertedContent(sarif.NewArtifactContent().WithText(e.NewText)))
			}
			if len(sf.ArtifactChanges) > 0 {
				res.AddFix(sf)
			}
		}
		run.AddResult(res)
	}
	if run.Results == nil {
		run.Results = []*sarif.Result{}
	}
	log.AddRun(run)
	return log.PrettyWrite(w)
}

func artifact(uri, base string) *sarif.ArtifactLocation {
	a := sarif.NewArtifactLocation().WithUri(uri)
	if base != "" {
		a.WithUriBaseId(base)
	}
	return a
}

func region(line, col, endLine, endCol int) *sarif.Region {
	return sarif.NewRegion().WithStartLine(line).WithStartColumn(col).
		WithEndLine(endLine).WithEndColumn(endCol)
}

// dirURI is the file URI of a folder, with the final slash SARIF requires of a base.
func dirURI(dir string) string {
	u := fileURI(dir)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// ruleName is the SARIF rule name: an identifier-like PascalCase form of the check's name,
// as the SARIF validator recommends (SARIF2012), e.g. "direct-binding" -> "DirectBinding".
func ruleName(name, id string) string {
	if name == "" {
		name = id
	}
	var b strings.Builder
	up := true
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			up = true // separators and punctuation ("module! keys") go
		case up:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// semver returns the version without a leading "v" ("0.1.0-dev").
func semver(v string) string { return strings.TrimPrefix(v, "v") }

// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The regular expressions the hand scanners of world.go stand for: the oracle.
var (
	configWordRE = regexp.MustCompile(`\bCONFIG_([A-Za-z0-9_]+)`)
	cfgOpenRE    = regexp.MustCompile(`#!?\[\s*cfg(?:_attr)?\s*\(|\bcfg!\s*\(`)
)

func scanByRegexp(b []byte) ([][4]int, [][2]int) {
	var words [][4]int
	for _, m := range configWordRE.FindAllSubmatchIndex(b, -1) {
		words = append(words, [4]int{m[0], m[1], m[2], m[3]})
	}
	var opens [][2]int
	for _, m := range cfgOpenRE.FindAllIndex(b, -1) {
		opens = append(opens, [2]int{m[0], m[1]})
	}
	return words, opens
}

var scanSeeds = []string{
	"", "CONFIG_", "CONFIG_X", "xCONFIG_X", "_CONFIG_X", "(CONFIG_A CONFIG_B)", "CONFIG_CONFIG_X", "CONFIG_A-CONFIG_B",
	"#[cfg(CONFIG_X)]", "#![cfg(CONFIG_X)]", "#[ \t\ncfg (x)]", "#[cfg_attr(CONFIG_X, y)]", "#[cfg_attr (x)]", "#[cfg_attrx(",
	"#[cfg_attr", "#[cfg", "cfg!(CONFIG_X)", "xcfg!(a)", "_cfg!(a)", "cfg! \n(a)", "cfg!", "!#[cfg(", "#![[cfg(", "##[cfg(",
	"#[cfg(#[cfg(", "cfg!(cfg!(", "#!cfg(", "#[cfg[cfg(", "#[\x0bcfg(", "#[ cfg(\"CONFIG_X\")]", "é#[cfg(CONFIG_Ö)]",
}

// TestScanners: the hand scanners find what the regular expressions find, on crafted texts and
// on every .rs file and Makefile of the real tree.
func TestScanners(t *testing.T) {
	texts := append([]string(nil), scanSeeds...)
	if root := os.Getenv("KRLS_KERNEL_6_12"); root != "" {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".rs") || isMakefileName(d.Name())) {
				if b, err := os.ReadFile(p); err == nil {
					texts = append(texts, string(b))
				}
			}
			return nil
		})
	}
	for _, s := range texts {
		words, opens := scanByRegexp([]byte(s))
		if diff := cmp.Diff(words, configWords([]byte(s))); diff != "" {
			t.Errorf("configWords(%.60q) (-regexp +scan):\n%s", s, diff)
		}
		if diff := cmp.Diff(opens, cfgOpenings([]byte(s))); diff != "" {
			t.Errorf("cfgOpenings(%.60q) (-regexp +scan):\n%s", s, diff)
		}
	}
	if len(texts) < 100 && os.Getenv("CI") == "true" {
		t.Errorf("only the crafted texts: set KRLS_KERNEL_6_12")
	}
}

// FuzzScanners: the hand scanners agree with the regular expressions on any text.
func FuzzScanners(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, opens := scanByRegexp([]byte(s))
		if diff := cmp.Diff(words, configWords([]byte(s))); diff != "" {
			t.Errorf("configWords(%q) (-regexp +scan):\n%s", s, diff)
		}
		if diff := cmp.Diff(opens, cfgOpenings([]byte(s))); diff != "" {
			t.Errorf("cfgOpenings(%q) (-regexp +scan):\n%s", s, diff)
		}
	})
}

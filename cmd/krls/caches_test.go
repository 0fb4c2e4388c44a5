// SPDX-License-Identifier: GPL-2.0-only

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
)

// On the real 6.12 tree, a run that trusts what the last one saved (the index, the folder
// listings, the Kconfig names) reports exactly what a run from nothing reports, with every
// check and with config-unknown alone; and the second run did use the saved listings (the
// debug log counts the folders read from the disk).
func TestLintCachesRealTree(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	lintJSON := func(cache string, args ...string) (string, string) {
		t.Helper()
		t.Setenv("KRLS_CACHE_DIR", cache)
		var out, errb bytes.Buffer
		argv := append([]string{"--log-level", "debug", "lint", "--format", "json", "--kernel", root}, args...)
		argv = append(argv, root)
		if code := run(argv, nil, &out, &errb); code != 0 && code != 1 {
			t.Fatalf("krls %v: exit %d\n%s", argv, code, errb.String())
		}
		return out.String(), errb.String()
	}
	for _, args := range [][]string{nil, {"--enable", "config-unknown"}} {
		cache := t.TempDir()
		cold, coldLog := lintJSON(cache, args...)
		warm, warmLog := lintJSON(cache, args...)
		if diff := cmp.Diff(cold, warm); diff != "" {
			t.Errorf("%v: the warm run differs (-cold +warm):\n%s", args, diff)
		}
		if !strings.Contains(cold, `"check"`) && len(args) == 0 {
			t.Errorf("%v: no finding at all on the real tree:\n%s", args, cold)
		}
		if strings.Contains(coldLog, `"folders read": 0,`) || !strings.Contains(warmLog, `"folders read": 0,`) {
			t.Errorf("%v: the cold run should read the folders and the warm one none:\ncold: %s\nwarm: %s",
				args, lastLine(coldLog, "caches"), lastLine(warmLog, "caches"))
		}
		if len(args) > 0 && !strings.Contains(warmLog, `"Kconfig files read": 0}`) {
			t.Errorf("%v: the warm run read Kconfig files: %s", args, lastLine(warmLog, "caches"))
		}
		ents, _ := os.ReadDir(cache)
		var names []string
		for _, e := range ents {
			names = append(names, filepath.Ext(e.Name()))
		}
		t.Logf("%v: cache holds %v", args, names)
	}
}

func lastLine(log, word string) string {
	line := ""
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, word) {
			line = l
		}
	}
	return line
}

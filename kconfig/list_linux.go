// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"

	"krls.dev/krls/kconfig/dirent"
)

// listKconfig calls visit with the path relative to root (slash-separated) of every regular
// file named Kconfig* under root, skipping hidden folders below the root and unreadable ones,
// not following symbolic links: what filepath.WalkDir gives (list_other.go), without a
// DirEntry and a sort for each of the 90,000 entries of a full tree, of which two thousand
// are wanted. The order of the calls is unspecified.
func listKconfig(root string, snap *dirent.Snapshot, visit func(rel string)) {
	st, err := os.Lstat(root)
	if err != nil || !st.IsDir() {
		return
	}
	var walk func(dir, rel string)
	walk = func(dir, rel string) {
		var subdirs []string
		_ = snap.Read(dir, func(name []byte, typ fs.FileMode) {
			switch {
			case typ == fs.ModeDir && name[0] != '.':
				subdirs = append(subdirs, string(name))
			case typ == 0 && bytes.HasPrefix(name, []byte("Kconfig")):
				visit(joinRel(rel, string(name)))
			}
		})
		for _, s := range subdirs {
			walk(filepath.Join(dir, s), joinRel(rel, s))
		}
	}
	walk(root, "")
}

func joinRel(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}

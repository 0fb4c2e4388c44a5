// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"bytes"
	"io/fs"
	"sort"

	"krls.dev/krls/kconfig/dirent"
)

// rustNames returns the sorted names of the entries of dir that end in .rs and are not folders
// (symbolic links are not followed), as a filter over os.ReadDir would (readRustNames, the
// tests' oracle), through package dirent and snap (nil: the disk): the Kconfig checks list the
// folder of every Kconfig file, most of them large and without a Rust file, and os.ReadDir
// builds and sorts an entry for each name.
func rustNames(snap *dirent.Snapshot, dir string) ([]string, error) {
	var out []string
	err := snap.Read(dir, func(name []byte, typ fs.FileMode) {
		if typ != fs.ModeDir && bytes.HasSuffix(name, []byte(".rs")) {
			out = append(out, string(name))
		}
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

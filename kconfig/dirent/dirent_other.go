// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package dirent

import (
	"io/fs"
	"os"
)

func read(dir string, fn func(name []byte, typ fs.FileMode)) error {
	ents, err := os.ReadDir(dir)
	for _, e := range ents {
		fn([]byte(e.Name()), e.Type())
	}
	return err
}

// SPDX-License-Identifier: GPL-2.0-only

// Package dirent lists the entries of a folder with their types and nothing else.
//
// Walking a full kernel tree (90,000 entries, of which krls wants a few thousand) with
// os.ReadDir costs a DirEntry, a sort and, through os.Open, a registration with the runtime
// poller for every folder. On Linux Read uses getdents64 directly and hands each name to the
// caller as bytes, so the entries a caller skips cost no allocation; elsewhere it falls back to
// os.ReadDir. The Kconfig loader, the Kconfig checks and the lint walk share it.
package dirent

import "io/fs"

// Read calls fn with every entry of the folder dir but "." and "..", in the order the file
// system gives them: its name, valid only during the call (copy what you keep), and its type
// bits (0 for a regular file, fs.ModeDir, fs.ModeSymlink, ...; symbolic links are not
// followed). An entry whose type the file system does not record is lstat'ed, and skipped
// when that fails.
func Read(dir string, fn func(name []byte, typ fs.FileMode)) error {
	return read(dir, fn)
}

// SPDX-License-Identifier: GPL-2.0-only

package index

import "path/filepath"

func joinPath(base, rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(base, filepath.FromSlash(rel))
}

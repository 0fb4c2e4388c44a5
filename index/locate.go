// SPDX-License-Identifier: GPL-2.0-only

package index

import "os"

func locIsDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func locIsFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

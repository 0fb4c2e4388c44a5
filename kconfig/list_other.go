// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package kconfig

import "krls.dev/krls/kconfig/dirent"

func listKconfig(root string, _ *dirent.Snapshot, visit func(rel string)) { walkKconfig(root, visit) }

// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package kconfig

func listKconfig(root string, visit func(rel string)) { walkKconfig(root, visit) }

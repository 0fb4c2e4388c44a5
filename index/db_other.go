// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package index

import "unsafe"

const dbHugePages = false

func dbAdviseHuge(unsafe.Pointer, uintptr) {}

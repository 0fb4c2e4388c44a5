// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package kconfig

import "os"

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }

func readFileInto(p string, _ []byte) ([]byte, error) { return os.ReadFile(p) }

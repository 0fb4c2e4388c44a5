// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package kworld

func rustNames(dir string) ([]string, error) { return readRustNames(dir) }

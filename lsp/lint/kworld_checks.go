// SPDX-License-Identifier: GPL-2.0-only

package lint

// The Kconfig/Kbuild checks register from package kworld's init: linking it here makes them
// part of every lint run and of docs/checks.md, whichever program links lint.
import _ "krls.dev/krls/lsp/kworld"

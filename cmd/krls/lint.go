// SPDX-License-Identifier: GPL-2.0-only

package main

import (
	"context"
	"fmt"
	"io"

	"go.uber.org/zap"
)

// runLint is replaced by the lint command.
func runLint(ctx context.Context, args []string, stdout, stderr io.Writer, log *zap.Logger) int {
	fmt.Fprintln(stderr, "krls lint: not built into this binary yet")
	return 2
}

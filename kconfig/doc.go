// SPDX-License-Identifier: GPL-2.0-only

// Package kconfig reads the kernel's Kconfig language as scripts/kconfig does (lexer.l,
// parser.y, menu.c, expr.c, preprocess.c of 6.1 to mainline) and answers the questions an
// editor asks about it: where a symbol is defined, what it depends on, whether a .config
// satisfies that, and which part does not.
//
// # Layers
//
//   - ParseFile: one file to a syntax tree (File, Node, Expr) in which everything has a Range
//     (1-based lines, 0-based byte columns). Every error is collected with its position and
//     parsing resumes on the next line; a block left open is reported at its `if`/`menu`/
//     `choice` line. Macros ($(...)) are kept as written, because their values depend on
//     variables assigned in other files (scripts/Kconfig.include).
//   - Load: root/Kconfig and everything it sources for one SRCARCH, parsed in parallel and
//     walked in conf's order, running variable assignments and expanding macros on the way.
//     Options.AllFiles adds every other Kconfig* file (other architectures) with definitions
//     marked off-chain, so lookups prefer what conf reads. Paths are relative to the root.
//   - Tree: the symbol table. Each Def keeps its file, node (prompt, type, help per
//     definition) and effective dependency (Def.Dep): the conditions of the enclosing if
//     blocks, menus and choice, across source statements, and its own `depends on`. Tree.Deps
//     ORs the definitions as the kernel's dir_dep does. select/imply edges are kept on the
//     target (SelectedBy, ImpliedBy) with their condition.
//   - Eval, Unmet, DependsOn: tristate logic over a .config (ReadDotConfig) with the kernel's
//     rules (m needs the modules symbol, comparisons by type), the smallest failing conjuncts
//     of a dependency, and whether a symbol needs another (e.g. RUST) through its dependency
//     chain.
//   - Check: the warnings conf prints after reading the tree (no type, select of a non-bool,
//     range on a non-number, choice defaults...) and uses of symbols defined nowhere.
//   - Editor helpers: Tree.SymbolAt (the symbol under a position), Tree.Expand (a macro's
//     value), ModuleName ("the module will be called X" in a help text), Options.Overlay
//     (unsaved buffers).
//
// Nothing is ever executed: $(shell,...) and what is built on it ($(success,...),
// $(cc-option,...)) expand to no known value, and the expression carries the reason in
// Expr.Unknown; Eval gives Unknown for it.
//
// # Choices made
//
//   - One Node struct for every statement, with a Kind, rather than a type per statement:
//     callers switch on Kind, and walking needs no type switches.
//   - A help text ends at the first non-blank line indented less than its first line, as in
//     lexer.l; a help whose next line starts in column 0 is empty (the kernel would swallow
//     that line into the text, a trap no real tree relies on).
//   - Grammar of older trees is accepted without error: `---help---`, `option env=...`,
//     `option defconfig_list`, `optional` and named or tristate choices (up to 6.10), and the
//     newer `transitional`. rsource/osource/orsource (Kconfiglib) are accepted too.
//   - Load never reads the process environment: Options.Env is the whole environment, so
//     results do not depend on the shell krls was started from.
package kconfig

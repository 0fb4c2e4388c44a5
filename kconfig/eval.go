// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// Tristate is the value of a Kconfig expression: n, m, y, or Unknown when it rests on a
// value krls cannot know (a $(shell,...) expansion).
type Tristate uint8

// Tristate values. No < Mod < Yes; Unknown stands apart.
const (
	No Tristate = iota
	Mod
	Yes
	Unknown
)

func (v Tristate) String() string {
	return [...]string{"n", "m", "y", "unknown"}[v]
}

// DotConfig is a .config file as scripts/kconfig/conf writes it.
type DotConfig struct {
	// Values maps a symbol name (without CONFIG_) to its value: "y", "m", a number, or a
	// string with quotes and escapes removed. `# CONFIG_X is not set` gives "n".
	Values map[string]string
	// Quoted marks values written as strings.
	Quoted map[string]bool
	// Line is where each symbol is set (1-based).
	Line map[string]int
}

// ReadDotConfig reads a .config file.
func ReadDotConfig(path string) (*DotConfig, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseDotConfig(src), nil
}

// ParseDotConfig parses the text of a .config. Lines it does not understand are skipped.
func ParseDotConfig(src []byte) *DotConfig {
	c := &DotConfig{Values: map[string]string{}, Quoted: map[string]bool{}, Line: map[string]int{}}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(s, "# CONFIG_"); ok {
			if name, ok := strings.CutSuffix(rest, " is not set"); ok {
				c.Values[name] = "n"
				c.Line[name] = line
			}
			continue
		}
		rest, ok := strings.CutPrefix(s, "CONFIG_")
		if !ok {
			continue
		}
		name, val, ok := strings.Cut(rest, "=")
		if !ok {
			continue
		}
		if len(val) >= 2 && val[0] == '"' {
			if u, err := strconv.Unquote(val); err == nil {
				val = u
			} else {
				val = strings.Trim(val, `"`)
			}
			c.Quoted[name] = true
		}
		c.Values[name] = val
		c.Line[name] = line
	}
	return c
}

// Eval evaluates e under cfg with the kernel's semantics (expr.c, expr_calc_value), taking
// symbol types from t: a bool/tristate symbol has the value cfg gives it (n when absent); any
// other symbol, defined or not, is n as a condition; constant m means m only when the modules
// symbol is y (menu.c, rewrite_m); comparisons compare numbers when both sides parse as
// numbers of their type, strings otherwise.
func (t *Tree) Eval(e *Expr, cfg *DotConfig) Tristate {
	return eval(e, cfg, func(name string) Type {
		if s := t.Lookup(name); s != nil && len(s.Defs) > 0 {
			return s.Type()
		}
		return TypeUnknown
	}, t.Modules)
}

// Eval evaluates e under cfg without a symbol table: a symbol's type is guessed from its
// value in cfg (y, m or n: tristate; quoted: string; else int or hex).
func Eval(e *Expr, cfg *DotConfig) Tristate {
	return eval(e, cfg, func(name string) Type {
		v, ok := cfg.Values[name]
		switch {
		case !ok:
			return TypeUnknown
		case cfg.Quoted[name]:
			return TypeString
		case v == "y" || v == "m" || v == "n":
			return TypeTristate
		case strings.HasPrefix(v, "0x"):
			return TypeHex
		}
		return TypeInt
	}, "MODULES")
}

func eval(e *Expr, cfg *DotConfig, typeOf func(string) Type, modules string) Tristate {
	if e == nil {
		return Yes
	}
	if e.Unknown != "" {
		return Unknown
	}
	switch e.Op {
	case OpSymbol:
		if e.Macro {
			return Unknown
		}
		switch e.Name {
		case "y":
			return Yes
		case "n":
			return No
		case "m":
			if cfg.Values[modules] == "y" {
				return Mod
			}
			return No
		}
		if e.Quoted {
			return No
		}
		switch typeOf(e.Name) {
		case TypeBool, TypeTristate:
			switch cfg.Values[e.Name] {
			case "y":
				return Yes
			case "m":
				return Mod
			}
		}
		return No
	case OpNot:
		v := eval(e.X, cfg, typeOf, modules)
		if v == Unknown {
			return Unknown
		}
		return Yes - v
	case OpAnd:
		x, y := eval(e.X, cfg, typeOf, modules), eval(e.Y, cfg, typeOf, modules)
		if x == No || y == No {
			return No
		}
		if x == Unknown || y == Unknown {
			return Unknown
		}
		return min(x, y)
	case OpOr:
		x, y := eval(e.X, cfg, typeOf, modules), eval(e.Y, cfg, typeOf, modules)
		if x == Yes || y == Yes {
			return Yes
		}
		if x == Unknown || y == Unknown {
			return Unknown
		}
		return max(x, y)
	}
	// comparison
	if e.X.Unknown != "" || e.Y.Unknown != "" || e.X.Macro || e.Y.Macro {
		return Unknown
	}
	s1, t1 := strValue(e.X, cfg, typeOf)
	s2, t2 := strValue(e.Y, cfg, typeOf)
	res := 0
	k1, k2 := kString, kString
	var v1, v2 numValue
	if t1 != TypeString || t2 != TypeString {
		k1, v1 = parseNum(s1, t1)
		k2, v2 = parseNum(s2, t2)
	}
	switch {
	case k1 == kString || k2 == kString:
		res = strings.Compare(s1, s2)
	case k1 == kUnsigned || k2 == kUnsigned:
		res = cmp3(v1.u < v2.u, v1.u > v2.u)
	default:
		res = cmp3(v1.s < v2.s, v1.s > v2.s)
	}
	var ok bool
	switch e.Op {
	case OpEqual:
		ok = res == 0
	case OpUnequal:
		ok = res != 0
	case OpLess:
		ok = res < 0
	case OpLessEqual:
		ok = res <= 0
	case OpGreater:
		ok = res > 0
	case OpGreaterEqual:
		ok = res >= 0
	}
	if ok {
		return Yes
	}
	return No
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

// strValue is sym_get_string_value: a symbol's value as text, and its type (TypeUnknown for
// constants and undefined symbols, whose value is their name).
func strValue(e *Expr, cfg *DotConfig, typeOf func(string) Type) (string, Type) {
	switch e.Name {
	case "y", "m", "n":
		return e.Name, TypeTristate
	}
	if e.Quoted {
		return e.Name, TypeUnknown
	}
	t := typeOf(e.Name)
	v, ok := cfg.Values[e.Name]
	switch t {
	case TypeBool, TypeTristate:
		if !ok {
			v = "n"
		}
	case TypeInt:
		if !ok {
			v = "0"
		}
	case TypeHex:
		if !ok {
			v = "0x0"
		}
	case TypeString:
	default:
		return e.Name, TypeUnknown
	}
	return v, t
}

type numKind uint8

const (
	kString numKind = iota
	kSigned
	kUnsigned
)

type numValue struct {
	s int64
	u uint64
}

// parseNum is expr_parse_string. The C code keeps the number in a union of int64 and uint64,
// so both views are filled.
func parseNum(s string, t Type) (numKind, numValue) {
	k, v := parseNum1(s, t)
	if k == kUnsigned {
		v.s = int64(v.u)
	} else {
		v.u = uint64(v.s)
	}
	return k, v
}

func parseNum1(s string, t Type) (numKind, numValue) {
	var v numValue
	switch t {
	case TypeBool, TypeTristate:
		switch s {
		case "n":
			v.s = 0
		case "m":
			v.s = 1
		case "y":
			v.s = 2
		default:
			v.s = -1
		}
		return kSigned, v
	case TypeInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return kString, v
		}
		v.s = n
		return kSigned, v
	case TypeHex:
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"), 16, 64)
		if err != nil {
			return kString, v
		}
		v.u = n
		return kUnsigned, v
	}
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return kString, v
	}
	v.s = n
	return kSigned, v
}

// Unmet returns the parts of name's effective dependency that are n under cfg: the smallest
// failing conjuncts (an AND is split, anything else is reported whole), in source order. It is
// empty when the dependency is not n.
func (t *Tree) Unmet(name string, cfg *DotConfig) []*Expr {
	return t.failing(t.Deps(name), cfg)
}

func (t *Tree) failing(e *Expr, cfg *DotConfig) []*Expr {
	if e == nil || t.Eval(e, cfg) != No {
		return nil
	}
	if e.Op == OpAnd {
		return append(t.failing(e.X, cfg), t.failing(e.Y, cfg)...)
	}
	return []*Expr{e}
}

// DependsOn reports whether name's effective dependency requires target, directly or through
// the dependencies of the symbols it requires (only positive uses count: `!RUST` does not
// require RUST, and neither does one side of an ||). It returns the chain of symbols from
// name to target, e.g. [SAMPLE_RUST_MINIMAL SAMPLES_RUST RUST].
func (t *Tree) DependsOn(name, target string) ([]string, bool) {
	name = strings.TrimPrefix(name, "CONFIG_")
	target = strings.TrimPrefix(target, "CONFIG_")
	prev := map[string]string{name: ""}
	queue := []string{name}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, r := range required(t.Deps(cur)) {
			if _, seen := prev[r]; seen {
				continue
			}
			prev[r] = cur
			if r == target {
				path := []string{r}
				for p := cur; p != ""; p = prev[p] {
					path = append(path, p)
				}
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path, true
			}
			queue = append(queue, r)
		}
	}
	return nil, false
}

// NeedsRust reports whether a symbol can only be enabled with RUST.
func (t *Tree) NeedsRust(name string) bool {
	_, ok := t.DependsOn(name, "RUST")
	return ok
}

// required lists the symbols that must be non-n for e to be non-n: the conjuncts that are
// plain symbols or `SYM != n`/`SYM = y`/`SYM = m` comparisons.
func required(e *Expr) []string {
	if e == nil {
		return nil
	}
	switch e.Op {
	case OpAnd:
		return append(required(e.X), required(e.Y)...)
	case OpSymbol:
		if !e.Quoted && !e.Macro && e.Unknown == "" && !isConstName(e.Name) {
			return []string{e.Name}
		}
	case OpEqual:
		if e.X.Op == OpSymbol && !e.X.Quoted && (e.Y.Name == "y" || e.Y.Name == "m") {
			return []string{e.X.Name}
		}
	case OpUnequal:
		if e.X.Op == OpSymbol && !e.X.Quoted && e.Y.Name == "n" {
			return []string{e.X.Name}
		}
	}
	return nil
}

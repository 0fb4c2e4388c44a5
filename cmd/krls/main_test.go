// SPDX-License-Identifier: GPL-2.0-only

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"krls.dev/krls/index/kerneltest"
)

// TestMain lets testscript run this package's test binary as the krls command (testscript.Main,
// the successor of the deprecated RunMain).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"krls": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs testdata/script/*.txtar. The scripts see:
//
//	$KERNEL   the real 6.12 tree (kerneltest.Tree), for the scripts that need it; the scripts
//	          marked [!kernel] skip without it, and the tree is required under CI=true
//	$OOT      a copy of the crafted out-of-tree module of testdata/oot-module
//
// and two commands: `status N cmd args...` runs cmd and fails unless it exits with N (testscript's
// `!` only says "not zero"); `mkfifo FILE`.
func TestScript(t *testing.T) {
	kernel := ""
	if os.Getenv("KRLS_KERNEL_6_12") != "" || os.Getenv("CI") != "" {
		kernel = kerneltest.Tree(t, "6.12")
	}
	oot, err := filepath.Abs(filepath.Join("..", "..", "testdata", "oot-module"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("KERNEL", kernel)
			env.Setenv("KRLS_CACHE_DIR", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("KDIR", "")
			dst := filepath.Join(env.WorkDir, "oot")
			if err := copyDir(oot, dst); err != nil {
				return err
			}
			env.Setenv("OOT", dst)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "kernel" {
				return kernel != "", nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: status N command args...")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("status: %v", err)
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("status: %v", err)
					}
					got = ee.ExitCode()
				}
				if (got == want) == neg {
					ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
				}
			},
			"mkfifo": func(ts *testscript.TestScript, neg bool, args []string) {
				for _, a := range args {
					if err := mkfifo(ts.MkAbs(a)); err != nil {
						ts.Fatalf("mkfifo: %v", err)
					}
				}
			},
		},
	})
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
}

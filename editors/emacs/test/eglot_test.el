;;; eglot_test.el --- batch Emacs + eglot with editors/emacs/krls.el against the real krls  -*- lexical-binding: t -*-
;; SPDX-License-Identifier: GPL-2.0-only
;; Run by emacs_test.go: emacs --batch -l eglot_test.el, with KRLS_BIN, KRLS_TREE, KRLS_EL,
;; KBUILD_DIR, EXPECT_KEYS set.
(require 'package)
(package-initialize)                    ; Debian's elpa-eglot
(defun krls-test-fail (fmt &rest args)
  (princ (concat "FAIL: " (apply #'format fmt args) "\n"))
  (kill-emacs 1))
(defun krls-test-wait (pred secs)
  (let ((deadline (+ (float-time) secs)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    v))
(unless (fboundp 'rust-mode)            ; Emacs 28 has no rust-mode
  (define-derived-mode rust-mode prog-mode "Rust"))
(add-to-list 'auto-mode-alist '("\\.rs\\'" . rust-mode))
(defvar krls-program (getenv "KRLS_BIN"))
(load (getenv "KRLS_EL"))
(setq eglot-sync-connect 30 eglot-events-buffer-size 0)

(condition-case err
    (let ((tree (getenv "KRLS_TREE")))
      (find-file (expand-file-name "samples/rust/rust_minimal.rs" tree))
      (setq buffer-read-only nil)
      (apply #'eglot (eglot--guess-contact))
      (unless (krls-test-wait (lambda () (eglot-current-server)) 30)
        (krls-test-fail "eglot did not connect"))
      (princ "connected\n")
      ;; hover on KVec, retried while the index loads
      (goto-char (point-min)) (search-forward "KVec<i32>") (backward-char 7)
      (let ((value (krls-test-wait
                    (lambda ()
                      (let* ((h (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                                 (eglot--TextDocumentPositionParams)))
                             (v (and h (plist-get (plist-get h :contents) :value))))
                        (and v (string-match-p "KVec" v) v)))
                    60)))
        (unless value (krls-test-fail "no hover on KVec"))
        (princ (format "hover: %s\n" (car (split-string value "\n" t)))))
      ;; module! key completion through the real capf, on a new line after license
      (goto-char (point-min)) (search-forward "license:") (end-of-line) (insert "\n    ")
      (let* ((capf (eglot-completion-at-point))
             (cands (and capf (all-completions "" (nth 2 capf))))
             (labels (mapcar (lambda (c) (or (plist-get (get-text-property 0 'eglot--lsp-item c) :label) c)) cands)))
        (princ (format "completion: %S\n" labels))
        (dolist (k (split-string (getenv "EXPECT_KEYS") "," t))
          (unless (member k labels) (krls-test-fail "module! key %s not offered" k))))
      ;; the bindings-direct warning through flymake
      (goto-char (point-min)) (search-forward "fn init") (end-of-line)
      (insert "\n        let _ = unsafe { bindings::mutex_lock(core::ptr::null_mut()) };")
      (let ((diag (krls-test-wait
                   (lambda ()
                     (eglot--signal-textDocument/didChange)
                     (flymake-start)
                     (seq-find (lambda (d) (string-match-p "mutex_lock" (flymake-diagnostic-text d)))
                               (flymake-diagnostics)))
                   30)))
        (unless diag (krls-test-fail "no bindings-direct diagnostic: %S"
                                     (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
        (princ (format "diagnostic: %s\n" (flymake-diagnostic-text diag))))
      (set-buffer-modified-p nil)
      (eglot-shutdown (eglot-current-server))
      ;; Kconfig and Kbuild modes from krls.el
      (find-file (expand-file-name "samples/rust/Kconfig" tree))
      (unless (eq major-mode 'kconfig-mode) (krls-test-fail "Kconfig in %s" major-mode))
      (find-file (expand-file-name "Kbuild" (getenv "KBUILD_DIR")))
      (unless (eq major-mode 'makefile-gmake-mode) (krls-test-fail "Kbuild in %s" major-mode))
      (princ "Kconfig: kconfig-mode, Kbuild: makefile-gmake-mode\n")
      (princ "PASS\n")
      (kill-emacs 0))
  (error (krls-test-fail "%S" err)))

;;; krls.el --- the krls language server in Emacs through eglot  -*- lexical-binding: t -*-
;; SPDX-License-Identifier: GPL-2.0-only
;;
;; (load "/path/to/krls/editors/emacs/krls.el") in init.el, or copy these lines.
;; eglot runs one server per buffer: krls here takes the kernel's Rust, Kconfig and Kbuild files.
(require 'eglot)

(defvar krls-program "krls" "The krls binary (a name on PATH or an absolute path).")
(defvar krls-initialization-options '(:logLevel "info")
  "Sent as initializationOptions: :kernel, :build, :checks, :logLevel.")

(unless (fboundp 'kconfig-mode)         ; Emacs ships no Kconfig mode
  (define-derived-mode kconfig-mode prog-mode "Kconfig"
    (setq-local comment-start "# ")
    (setq-local comment-start-skip "#+\\s-*")
    (modify-syntax-entry ?# "<" kconfig-mode-syntax-table)
    (modify-syntax-entry ?\n ">" kconfig-mode-syntax-table)))
(add-to-list 'auto-mode-alist '("/Kconfig\\(\\..*\\)?\\'" . kconfig-mode))
(add-to-list 'auto-mode-alist '("/Kbuild\\'" . makefile-gmake-mode))

(add-to-list 'eglot-server-programs
             `((rust-mode rust-ts-mode kconfig-mode makefile-gmake-mode)
               . (,krls-program "serve" :initializationOptions ,krls-initialization-options)))

(provide 'krls)
;;; krls.el ends here

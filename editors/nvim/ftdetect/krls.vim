" krls: Kconfig files are kconfig, Kbuild files are Makefiles (Neovim 0.7 and later).
au BufNewFile,BufRead Kconfig,Kconfig.* setf kconfig
au BufNewFile,BufRead Kbuild setf make

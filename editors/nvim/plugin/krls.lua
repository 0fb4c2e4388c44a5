-- krls user commands; they act on the krls client of the current buffer, however it was started
-- (require("krls").setup() or vim.lsp.enable("krls")).
if vim.g.loaded_krls then
  return
end
vim.g.loaded_krls = true

local function cmd(name, fn, desc)
  vim.api.nvim_create_user_command(name, function() require("krls")[fn]() end, { desc = desc })
end
cmd("KrlsRestart", "restart", "krls: restart the server")
cmd("KrlsReindex", "reindex", "krls: re-index the kernel tree")
cmd("KrlsStatus", "status", "krls: show the index status")
cmd("KrlsOpenKconfig", "open_kconfig", "krls: open the Kconfig entry of this module (or of the CONFIG_ symbol under the cursor)")
cmd("KrlsOpenMakefile", "open_makefile", "krls: open the Makefile/Kbuild line that builds this file")

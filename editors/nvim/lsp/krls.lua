-- SPDX-License-Identifier: GPL-2.0-only
--
-- krls for Neovim 0.11's vim.lsp.config / vim.lsp.enable. With this folder on 'runtimepath':
--   vim.lsp.config("krls", { settings = { krls = { kernel = "~/linux" } } }) -- optional
--   vim.lsp.enable("krls")
-- init_options are taken from settings.krls when the client starts (before_init).
return {
  cmd = { "krls", "serve" },
  filetypes = { "rust", "kconfig", "make" },
  root_dir = function(bufnr, on_dir)
    local root = require("krls").root_dir(vim.api.nvim_buf_get_name(bufnr))
    if root then
      on_dir(root)
    end
  end,
  settings = { krls = { logLevel = "info" } },
  before_init = function(params, config)
    local s = (config.settings or {}).krls or {}
    params.initializationOptions = vim.tbl_extend("force", params.initializationOptions or {}, s)
  end,
}

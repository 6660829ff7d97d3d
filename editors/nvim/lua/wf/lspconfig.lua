-- Registers the wf language server with nvim-lspconfig's `configs` table, for setups that use
-- `require("lspconfig").NAME.setup{}`:
--
--   require("wf.lspconfig")
--   require("lspconfig").wf.setup({ init_options = { target = "treasure-workflow" } })
--
-- (On Neovim 0.11+, `vim.lsp.enable("wf")` uses this plugin's `lsp/wf.lua` instead.)

local configs = require("lspconfig.configs")
local util = require("lspconfig.util")

if not configs.wf then
  configs.wf = {
    default_config = {
      cmd = { "wf", "lsp" },
      filetypes = { "digdag" },
      root_dir = function(fname)
        return util.root_pattern("wf.toml", ".git")(fname) or vim.fn.fnamemodify(fname, ":p:h")
      end,
      single_file_support = true,
      init_options = { target = "digdag" },
    },
    docs = {
      description = [[
wf: a language server for Digdag / Treasure Workflow `.dig` files (diagnostics, completion,
hover, outline, go to definition, quick fixes). Install with `cargo install --path cli` in a
checkout of wf; the server is `wf lsp`.
]],
    },
  }
end

return configs.wf

#!/usr/bin/env bash
# Headless Neovim test of the wf plugin against the real `wf lsp`: filetype detection, syntax
# groups, diagnostics, completion inside `${`, hover on `td>`, the lspconfig entry.
#
#   editors/nvim/test/run.sh            (builds `wf` with cargo unless WF is set)
#   WF=/path/to/wf editors/nvim/test/run.sh
#
# Exits non-zero when a check fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

if ! command -v nvim >/dev/null; then
  echo "nvim not found (Debian: apt-get install -y neovim)" >&2
  exit 2
fi

if [[ -z "${WF:-}" ]]; then
  (cd "$repo" && cargo build -q -p wf)
  WF="${CARGO_TARGET_DIR:-$repo/target}/debug/wf"
fi
if [[ ! -x "$WF" ]]; then
  echo "wf binary not found: $WF" >&2
  exit 2
fi
export WF

# A private config and state, so the user's Neovim setup plays no part.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
# The test edits and saves the workflow: it works on a copy of the fixture project.
cp -r "$here/fixtures/project" "$tmp/project"
export WF_FIXTURE="$tmp/project/daily.dig"

nvim --version | head -1
# Neovim's exit code is the test's: lsp_test.lua ends with `cquit 1` on any failure.
# The plugin goes on 'runtimepath' before startup, as a plugin manager would put it.
timeout 120 nvim --headless --clean -i NONE -n \
  --cmd "set runtimepath^=$(dirname "$here")" \
  -c "luafile $here/lsp_test.lua"

#!/usr/bin/env bash
# Makes docs/images/nvim.png: Neovim (the wf plugin, the real `wf lsp`) in a tmux terminal,
# showing the diagnostics of daily_report.dig and the hover docs of `td>`.
# Needs nvim, tmux, Python with Pillow (pip install pillow) and fonts-dejavu-core.
#
#   WF=target/debug/wf editors/nvim/screenshot/make.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
WF="$(cd "$(dirname "${WF:-$repo/target/debug/wf}")" && pwd)/$(basename "${WF:-wf}")"
python="${PYTHON:-python3}"

tmp="$(mktemp -d)"
socket="wf-screenshot-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/project/queries"
cp "$here/daily_report.dig" "$tmp/project/"
echo "select 1" > "$tmp/project/queries/by_country.sql"

cols=124 rows=36
tmux -L "$socket" -2 -f /dev/null new-session -d -s shot -x "$cols" -y "$rows" \
  -e WF="$WF" -e TERM=tmux-256color -e XDG_STATE_HOME="$tmp/state" \
  "cd '$tmp/project' && nvim -n --clean --cmd 'set rtp^=$repo/editors/nvim' -u '$here/init.lua' daily_report.dig"
sleep 5                                  # the server publishes diagnostics
tmux -L "$socket" send-keys -t shot '16G04l'   # the cursor on `td>`
sleep 0.5
tmux -L "$socket" send-keys -t shot 'K'        # hover
sleep 2
tmux -L "$socket" capture-pane -t shot -p -e > "$tmp/pane.ansi"
"$python" "$here/ansi2png.py" "$tmp/pane.ansi" "$repo/docs/images/nvim.png" "$cols" "$rows"
echo "wrote docs/images/nvim.png"

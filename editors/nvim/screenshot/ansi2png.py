"""Renders a terminal capture with ANSI colours (`tmux capture-pane -e -p`) as a PNG.

    python3 ansi2png.py CAPTURE.ansi OUT.png [COLUMNS ROWS]

Needs Pillow and the DejaVu Sans Mono font (Debian: fonts-dejavu-core).
"""

import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 15
DEFAULT_FG = (208, 208, 208)
DEFAULT_BG = (28, 28, 28)

BASE16 = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
    (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
    (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
    (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255),
]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def cells(line):
    """Yields (char, fg, bg, bold) for each character of an ANSI line."""
    fg, bg, bold, reverse = None, None, False, False
    pos = 0
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
        if m.group(2) is not None:
            f, b = (bg, fg) if reverse else (fg, bg)
            yield m.group(2), f or (DEFAULT_BG if reverse else DEFAULT_FG), b or (DEFAULT_FG if reverse else DEFAULT_BG), bold
            continue
        codes = [int(c) if c else 0 for c in m.group(1).split(";")]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                fg, bg, bold, reverse = None, None, False, False
            elif c == 1:
                bold = True
            elif c == 22:
                bold = False
            elif c == 7:
                reverse = True
            elif c == 27:
                reverse = False
            elif 30 <= c <= 37:
                fg = BASE16[c - 30]
            elif 90 <= c <= 97:
                fg = BASE16[c - 90 + 8]
            elif c == 39:
                fg = None
            elif 40 <= c <= 47:
                bg = BASE16[c - 40]
            elif 100 <= c <= 107:
                bg = BASE16[c - 100 + 8]
            elif c == 49:
                bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    color = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    color = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    color = None
                if c == 38:
                    fg = color
                else:
                    bg = color
            i += 1


def main():
    src, out = sys.argv[1], sys.argv[2]
    lines = open(src, encoding="utf-8").read().split("\n")
    columns = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else len(lines)
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE)
    bold_font = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE)
    cw = round(regular.getlength("M"))
    ch = round(SIZE * 1.3)
    pad = 12
    img = Image.new("RGB", (columns * cw + 2 * pad, rows * ch + 2 * pad), DEFAULT_BG)
    draw = ImageDraw.Draw(img)
    for y, line in enumerate(lines[:rows]):
        for x, (char, fg, bg, bold) in enumerate(cells(line)):
            left, top = pad + x * cw, pad + y * ch
            if bg != DEFAULT_BG:
                draw.rectangle([left, top, left + cw - 1, top + ch - 1], fill=bg)
            if char.strip():
                if char in "─│╭╮╰╯":
                    mid_x, mid_y = left + cw // 2, top + ch // 2
                    if char == "─":
                        draw.line([left, mid_y, left + cw, mid_y], fill=fg)
                    elif char == "│":
                        draw.line([mid_x, top, mid_x, top + ch], fill=fg)
                    else:
                        # Rounded corners drawn as square ones: the font's arcs do not span a cell.
                        h = [left, mid_y, mid_x, mid_y] if char in "╮╯" else [mid_x, mid_y, left + cw, mid_y]
                        v = [mid_x, top, mid_x, mid_y] if char in "╯╰" else [mid_x, mid_y, mid_x, top + ch]
                        draw.line(h, fill=fg)
                        draw.line(v, fill=fg)
                else:
                    draw.text((left, top + 1), char, font=bold_font if bold else regular, fill=fg)
    img.save(out)


if __name__ == "__main__":
    main()

// Expands a VS Code snippet body the way accepting every default would: placeholders take their
// default text, choices their first option, mirrors ($1 / ${1}) the value of their tabstop, $0
// nothing. Supports the subset of the snippet grammar the wf snippets use.

"use strict";

/** Parses `body` (a string) into nodes: strings and {index, children|choice}. */
function parse(body) {
  let pos = 0;
  function parseUntil(stop) {
    const nodes = [];
    let text = "";
    const flush = () => {
      if (text !== "") {
        nodes.push(text);
        text = "";
      }
    };
    while (pos < body.length) {
      const c = body[pos];
      if (c === "\\" && pos + 1 < body.length && "$}\\,|".includes(body[pos + 1])) {
        text += body[pos + 1];
        pos += 2;
      } else if (stop && c === stop) {
        break;
      } else if (c === "$" && /[0-9]/.test(body[pos + 1] ?? "")) {
        flush();
        const m = /^[0-9]+/.exec(body.slice(pos + 1));
        nodes.push({ index: Number(m[0]), children: null });
        pos += 1 + m[0].length;
      } else if (c === "$" && body[pos + 1] === "{" && /[0-9]/.test(body[pos + 2] ?? "")) {
        flush();
        const m = /^[0-9]+/.exec(body.slice(pos + 2));
        const index = Number(m[0]);
        pos += 2 + m[0].length;
        if (body[pos] === "}") {
          pos += 1;
          nodes.push({ index, children: null });
        } else if (body[pos] === ":") {
          pos += 1;
          const children = parseUntil("}");
          pos += 1;
          nodes.push({ index, children });
        } else if (body[pos] === "|") {
          const end = body.indexOf("|}", pos + 1);
          const choice = body.slice(pos + 1, end).split(",");
          pos = end + 2;
          nodes.push({ index, choice });
        } else {
          throw new Error(`bad snippet at ${pos}: ${body}`);
        }
      } else {
        text += c;
        pos += 1;
      }
    }
    flush();
    return nodes;
  }
  const nodes = parseUntil(null);
  return nodes;
}

/** The text of `body` (a string or an array of lines) with every default accepted. */
function expand(body) {
  const source = Array.isArray(body) ? body.join("\n") : body;
  const nodes = parse(source);
  const values = new Map();
  // First pass: the value of each tabstop is its first definition's text.
  const render = (list) =>
    list
      .map((n) => {
        if (typeof n === "string") {
          return n;
        }
        if (n.choice) {
          values.set(n.index, values.get(n.index) ?? n.choice[0]);
          return n.choice[0];
        }
        if (n.children) {
          const text = render(n.children);
          if (!values.has(n.index)) {
            values.set(n.index, text);
          }
          return text;
        }
        return values.get(n.index) ?? "";
      })
      .join("");
  render(nodes);
  return render(nodes);
}

module.exports = { expand };

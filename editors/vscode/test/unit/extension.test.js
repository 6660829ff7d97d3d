// Unit tests of the extension outside VS Code (node --test), with a stand-in `vscode` module:
// activation without a `wf` executable, the commands package.json declares, "wf: Plan workflow"
// (the real `wf plan` output), "wf: Run task" (the task it starts), findExecutable, and the
// snippets (each one, with its defaults, is a workflow `wf lint` accepts).

"use strict";

const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const test = require("node:test");
const { createFake } = require("./fake-vscode");
const { expand } = require("./snippet");

const extensionDir = path.resolve(__dirname, "..", "..");
const repo = path.resolve(extensionDir, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8"));

/** The wf binary: $WF, else the workspace's debug build. */
function wfBinary() {
  const wf = process.env.WF || path.join(process.env.CARGO_TARGET_DIR || path.join(repo, "target"), "debug", "wf");
  assert.ok(fs.existsSync(wf), `no wf binary at ${wf}: run \`cargo build -p wf\` or set WF`);
  return wf;
}

/** Loads a fresh copy of the compiled extension against a fresh fake `vscode`. */
function loadExtension() {
  const fake = createFake();
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    return request === "vscode" ? fake.vscode : originalLoad.call(this, request, ...rest);
  };
  try {
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(path.join(extensionDir, "out")) || key.includes("vscode-languageclient")) {
        delete require.cache[key];
      }
    }
    const extension = require(path.join(extensionDir, "out", "extension.js"));
    return { extension, ...fake };
  } finally {
    Module._load = originalLoad;
  }
}

const context = () => ({ subscriptions: [] });

test("activation without the wf executable says so and names the setting", async () => {
  const { extension, record } = loadExtension();
  record.settings.set("wf.server.path", "/nonexistent/bin/wf");
  await extension.activate(context());
  assert.equal(record.errors.length, 1);
  const { message, items } = record.errors[0];
  assert.match(message, /cannot find the wf executable \(at '\/nonexistent\/bin\/wf'\)/);
  assert.match(message, /wf\.server\.path/);
  assert.deepEqual(items, ["Open Settings"]);
  assert.doesNotMatch(record.channels.get("wf").text, /started/);
});

test("a bare server name is looked up on PATH", async () => {
  const { extension, record } = loadExtension();
  record.settings.set("wf.server.path", "wf-not-on-any-path");
  await extension.activate(context());
  assert.match(record.errors[0].message, /'wf-not-on-any-path' on PATH/);
});

test("the commands package.json declares are the ones registered", async () => {
  const { extension, record } = loadExtension();
  record.settings.set("wf.server.path", "/nonexistent/bin/wf");
  await extension.activate(context());
  const declared = manifest.contributes.commands.map((c) => c.command).sort();
  // `wf.run` is the server's "Run" code lens command, not a palette command.
  assert.deepEqual([...record.commands.keys()].filter((c) => c !== "wf.run").sort(), declared);
  assert.ok(record.commands.has("wf.run"));
  assert.deepEqual(declared, ["wf.planWorkflow", "wf.restartServer", "wf.runTask"]);
});

test("wf: Plan workflow shows `wf plan` of the active workflow", async () => {
  const { extension, record, document } = loadExtension();
  record.settings.set("wf.server.path", "/nonexistent/bin/wf"); // no language server here
  await extension.activate(context());
  record.settings.set("wf.server.path", wfBinary());
  const file = path.join(repo, "testdata", "examples", "daily_report", "daily_report.dig");
  record.activeTextEditor = { document: document(file) };
  await record.commands.get("wf.planWorkflow")();
  const text = record.channels.get("wf plan").text;
  assert.match(text, /^\$ wf plan daily_report\.dig/);
  assert.match(text, /workflow daily_report \(timezone Asia\/Tokyo\)/);
  assert.match(text, /\+by_country {2}td>/);
  assert.doesNotMatch(text, /exited with code/);
});

test("wf: Plan workflow on a file wf cannot plan shows the error and the exit code", async () => {
  const { extension, record, document } = loadExtension();
  record.settings.set("wf.server.path", "/nonexistent/bin/wf");
  await extension.activate(context());
  record.settings.set("wf.server.path", wfBinary());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wf-plan-"));
  const file = path.join(dir, "broken.dig");
  fs.writeFileSync(file, "+a:\n  echo>: [unclosed\n");
  record.activeTextEditor = { document: document(file) };
  await record.commands.get("wf.planWorkflow")();
  assert.match(record.channels.get("wf plan").text, /wf plan exited with code [1-9]/);
});

test("wf: Plan workflow needs a .dig document", async () => {
  const { extension, record, document } = loadExtension();
  record.settings.set("wf.server.path", "/nonexistent/bin/wf");
  await extension.activate(context());
  record.activeTextEditor = { document: document("/tmp/notes.txt") };
  await record.commands.get("wf.planWorkflow")();
  assert.deepEqual(record.warnings, ["wf: open a .dig workflow first."]);
});

test("wf: Run task runs `wf run FILE` in a task terminal from the file's directory", async () => {
  const { extension, record, document } = loadExtension();
  record.settings.set("wf.server.path", "/nonexistent/bin/wf");
  await extension.activate(context());
  const wf = wfBinary();
  record.settings.set("wf.server.path", wf);
  const file = path.join(repo, "testdata", "examples", "daily_report", "daily_report.dig");
  record.activeTextEditor = { document: document(file) };
  await record.commands.get("wf.runTask")();
  assert.equal(record.tasks.length, 1);
  const { execution, definition } = record.tasks[0];
  assert.equal(execution.process, path.resolve(wf));
  assert.deepEqual(execution.args, ["run", file]);
  assert.equal(execution.options.cwd, path.dirname(file));
  assert.equal(definition.type, "wf");
  assert.ok(manifest.contributes.taskDefinitions.some((d) => d.type === "wf"));
  // The "Run" code lens passes the document URI as a string.
  await record.commands.get("wf.run")("file://" + file);
  assert.equal(record.tasks.length, 2);
  assert.deepEqual(record.tasks[1].execution.args, ["run", file]);
});

test("findExecutable: PATH lookup, explicit paths, non-executable files", () => {
  const { findExecutable } = require(path.join(extensionDir, "out", "executable.js"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wf-exe-"));
  const exe = path.join(dir, "wf");
  fs.writeFileSync(exe, "#!/bin/sh\n");
  fs.chmodSync(exe, 0o755);
  const plain = path.join(dir, "notexec");
  fs.writeFileSync(plain, "");
  const env = { PATH: ["/nonexistent", dir].join(path.delimiter) };
  assert.equal(findExecutable("wf", env, "/", "linux"), exe);
  assert.equal(findExecutable("notexec", env, "/", "linux"), undefined);
  assert.equal(findExecutable("missing", env, "/", "linux"), undefined);
  assert.equal(findExecutable("./wf", {}, dir, "linux"), exe);
  assert.equal(findExecutable(exe, {}, "/", "linux"), exe);
  assert.equal(findExecutable("", env, "/", "linux"), undefined);
  // Windows: PATHEXT supplies the extension.
  fs.writeFileSync(path.join(dir, "wfw.EXE"), "");
  assert.equal(findExecutable("wfw", { PATH: dir, PATHEXT: ".EXE;.CMD" }, "/", "win32"), path.join(dir, "wfw.EXE"));
});

test("every snippet, defaults accepted, is a workflow wf lint accepts", () => {
  const wf = wfBinary();
  const snippets = JSON.parse(fs.readFileSync(path.join(extensionDir, manifest.contributes.snippets[0].path), "utf8"));
  const names = Object.keys(snippets);
  assert.ok(names.length >= 5, names.join(", "));
  for (const name of names) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wf-snippet-"));
    const file = path.join(dir, "snippet.dig");
    fs.writeFileSync(file, expand(snippets[name].body));
    let out;
    try {
      out = execFileSync(wf, ["lint", "--format", "json", file], { encoding: "utf8" });
    } catch (e) {
      assert.fail(`${name}: wf lint failed (${e.status}):\n${e.stdout}\n${fs.readFileSync(file, "utf8")}`);
    }
    // Only a missing query file (F001) is expected: the snippet names one to write.
    const problems = JSON.parse(out).filter((d) => d.code !== "F001");
    assert.deepEqual(problems, [], `${name}:\n${fs.readFileSync(file, "utf8")}`);
  }
});

test("snippets cover a scheduled workflow, td>, for_each>, if> with _do/_else_do and _error", () => {
  const snippets = JSON.parse(fs.readFileSync(path.join(extensionDir, "snippets", "digdag.code-snippets"), "utf8"));
  const texts = Object.values(snippets).map((s) => expand(s.body));
  assert.ok(texts.some((t) => /^schedule:\n {2}daily>:/m.test(t)));
  assert.ok(texts.some((t) => /^ {2}td>: /m.test(t)));
  assert.ok(texts.some((t) => /^ {2}for_each>:/m.test(t) && /^ {2}_do:/m.test(t)));
  assert.ok(texts.some((t) => /^ {2}if>: /m.test(t) && /^ {2}_do:/m.test(t) && /^ {2}_else_do:/m.test(t)));
  assert.ok(texts.some((t) => /^_error:/m.test(t) && /mail>/.test(t)));
});

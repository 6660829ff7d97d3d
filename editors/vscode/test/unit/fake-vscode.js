// A stand-in for the `vscode` module: just what the extension's activation and commands use,
// recording what they do. Anything else reads as an empty class (vscode-languageclient touches
// many names when it loads).

"use strict";

const path = require("path");

function createFake() {
  const record = {
    errors: [],
    warnings: [],
    commands: new Map(),
    channels: new Map(),
    tasks: [],
    settings: new Map(),
    activeTextEditor: undefined,
  };

  class Uri {
    constructor(fsPath) {
      this.fsPath = fsPath;
      this.scheme = "file";
    }
    static file(p) {
      return new Uri(p);
    }
    static parse(s) {
      return new Uri(decodeURIComponent(s.replace(/^file:\/\//, "")));
    }
  }

  class ProcessExecution {
    constructor(process, args, options) {
      Object.assign(this, { process, args, options });
    }
  }

  class Task {
    constructor(definition, scope, name, source, execution) {
      Object.assign(this, { definition, scope, name, source, execution });
    }
  }

  const disposable = { dispose() {} };

  const api = {
    Uri,
    ProcessExecution,
    Task,
    TaskScope: { Global: 1, Workspace: 2 },
    TaskRevealKind: { Always: 1, Silent: 2, Never: 3 },
    window: {
      createOutputChannel(name) {
        const channel = {
          name,
          text: "",
          append(s) {
            this.text += s;
          },
          appendLine(s) {
            this.text += s + "\n";
          },
          clear() {
            this.text = "";
          },
          show() {},
          dispose() {},
        };
        record.channels.set(name, channel);
        return channel;
      },
      showErrorMessage(message, ...items) {
        record.errors.push({ message, items });
        return Promise.resolve(undefined);
      },
      showWarningMessage(message) {
        record.warnings.push(message);
        return Promise.resolve(undefined);
      },
      get activeTextEditor() {
        return record.activeTextEditor;
      },
    },
    commands: {
      registerCommand(id, fn) {
        record.commands.set(id, fn);
        return disposable;
      },
      executeCommand() {
        return Promise.resolve(undefined);
      },
    },
    workspace: {
      workspaceFolders: undefined,
      getConfiguration(section) {
        return {
          get(key, fallback) {
            const full = `${section}.${key}`;
            return record.settings.has(full) ? record.settings.get(full) : fallback;
          },
        };
      },
      onDidChangeConfiguration() {
        return disposable;
      },
      getWorkspaceFolder() {
        return undefined;
      },
      openTextDocument(uri) {
        return Promise.resolve(document(uri.fsPath));
      },
    },
    tasks: {
      executeTask(task) {
        record.tasks.push(task);
        return Promise.resolve({ task });
      },
    },
  };

  /** A saved document of language `languageId` at `file`. */
  function document(file, languageId = path.extname(file) === ".dig" ? "digdag" : "plaintext") {
    return {
      uri: Uri.file(file),
      languageId,
      isUntitled: false,
      isDirty: false,
      save: () => Promise.resolve(true),
    };
  }

  const vscode = new Proxy(api, {
    get(target, prop) {
      if (!(prop in target)) {
        target[prop] = class {};
      }
      return target[prop];
    },
  });
  return { vscode, record, document };
}

module.exports = { createFake };

// The wf extension: starts the `wf lsp` language server for `digdag` documents and adds the
// "wf: Plan workflow", "wf: Run task" and "wf: Restart server" commands.

import { spawn } from "child_process";
import * as path from "path";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { findExecutable } from "./executable";

const LANGUAGE_ID = "digdag";

let client: LanguageClient | undefined;
let serverOutput: vscode.OutputChannel;
let planOutput: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  serverOutput = vscode.window.createOutputChannel("wf");
  planOutput = vscode.window.createOutputChannel("wf plan");
  context.subscriptions.push(
    serverOutput,
    planOutput,
    vscode.commands.registerCommand("wf.restartServer", restartServer),
    vscode.commands.registerCommand("wf.planWorkflow", planWorkflow),
    vscode.commands.registerCommand("wf.runTask", runTask),
    // The server's "Run" code lens calls `wf.run` with the document URI (as a string).
    vscode.commands.registerCommand("wf.run", (arg?: string | vscode.Uri) =>
      runTask(typeof arg === "string" ? vscode.Uri.parse(arg) : arg),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("wf.server.path") || e.affectsConfiguration("wf.lint.target")) {
        void restartServer();
      }
    }),
  );
  await startServer();
}

export async function deactivate(): Promise<void> {
  await stopServer();
}

/** The settings the server is started with. */
interface Settings {
  serverPath: string;
  target: string;
}

function settings(): Settings {
  const config = vscode.workspace.getConfiguration("wf");
  return {
    serverPath: config.get<string>("server.path", "wf") || "wf",
    target: config.get<string>("lint.target", "digdag"),
  };
}

/** The first workspace folder's path, used to resolve a relative `wf.server.path`. */
function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/**
 * The `wf` executable from `wf.server.path`, or `undefined` after telling the user it is missing
 * and how to fix it.
 */
function wfExecutable(): string | undefined {
  const { serverPath } = settings();
  const found = findExecutable(serverPath, process.env, workspaceRoot() ?? process.cwd());
  if (found) {
    return found;
  }
  const where = serverPath.includes("/") || serverPath.includes("\\") ? `at '${serverPath}'` : `'${serverPath}' on PATH`;
  const message =
    `wf: cannot find the wf executable (${where}). Install it with ` +
    "`cargo install --path cli` in a wf checkout, or set the `wf.server.path` setting to its path.";
  void vscode.window.showErrorMessage(message, "Open Settings").then((choice) => {
    if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "wf.server.path");
    }
  });
  serverOutput.appendLine(message);
  return undefined;
}

async function startServer(): Promise<void> {
  const command = wfExecutable();
  if (!command) {
    return;
  }
  const { target } = settings();
  const serverOptions: ServerOptions = {
    command,
    args: ["lsp"],
    options: { cwd: workspaceRoot() },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: LANGUAGE_ID }],
    // The lint target (digdag | treasure-workflow). A project's wf.toml `target` applies too.
    initializationOptions: { target },
    outputChannel: serverOutput,
  };
  client = new LanguageClient("wf", "wf language server", serverOptions, clientOptions);
  try {
    await client.start();
    serverOutput.appendLine(`wf: started '${command} lsp' (target ${target})`);
  } catch (e) {
    const message = `wf: the language server '${command} lsp' failed to start: ${e instanceof Error ? e.message : String(e)}`;
    serverOutput.appendLine(message);
    void vscode.window.showErrorMessage(message);
    client = undefined;
  }
}

async function stopServer(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (e) {
      serverOutput.appendLine(`wf: stopping the language server: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

async function restartServer(): Promise<void> {
  await stopServer();
  await startServer();
}

/**
 * The workflow file a command applies to: `uri` when given (editor title menu), else the active
 * editor's document. It is saved first so that `wf` reads what the user sees.
 */
async function workflowFile(uri?: vscode.Uri): Promise<string | undefined> {
  const document =
    uri instanceof vscode.Uri
      ? await vscode.workspace.openTextDocument(uri)
      : vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== LANGUAGE_ID) {
    void vscode.window.showWarningMessage("wf: open a .dig workflow first.");
    return undefined;
  }
  if (document.isUntitled || document.uri.scheme !== "file") {
    void vscode.window.showWarningMessage("wf: save the workflow to a file first.");
    return undefined;
  }
  if (document.isDirty && !(await document.save())) {
    void vscode.window.showWarningMessage("wf: the workflow could not be saved.");
    return undefined;
  }
  return document.uri.fsPath;
}

/** "wf: Plan workflow": runs `wf plan FILE` and shows its output in the "wf plan" channel. */
async function planWorkflow(uri?: vscode.Uri): Promise<void> {
  const file = await workflowFile(uri);
  const command = file && wfExecutable();
  if (!file || !command) {
    return;
  }
  const cwd = path.dirname(file);
  planOutput.clear();
  planOutput.show(true);
  planOutput.appendLine(`$ wf plan ${path.basename(file)}    (in ${cwd})`);
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(command, ["plan", file], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    child.stdout.on("data", (chunk: Buffer) => planOutput.append(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => planOutput.append(chunk.toString()));
    child.on("error", (e) => resolve(e.message));
    child.on("close", (status, signal) => resolve(status ?? String(signal)));
  });
  if (code !== 0) {
    planOutput.appendLine(typeof code === "number" ? `\nwf plan exited with code ${code}` : `\nwf plan failed: ${code}`);
  }
}

/** "wf: Run task": runs `wf run FILE` in a terminal (a task terminal: no shell quoting). */
async function runTask(uri?: vscode.Uri): Promise<void> {
  const file = await workflowFile(uri);
  const command = file && wfExecutable();
  if (!file || !command) {
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  const task = new vscode.Task(
    { type: "wf", command: "run", file },
    folder ?? vscode.TaskScope.Workspace,
    `run ${path.basename(file)}`,
    "wf",
    new vscode.ProcessExecution(command, ["run", file], { cwd: path.dirname(file) }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, focus: true, clear: true };
  await vscode.tasks.executeTask(task);
}

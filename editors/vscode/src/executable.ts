import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * The absolute path of the executable `command` names, or `undefined` when there is none.
 *
 * A command with a directory part (`./bin/wf`, `~/bin/wf`, `/usr/local/bin/wf`) is taken as a path,
 * relative to `cwd`; a bare name (`wf`) is looked up on `PATH` (with `PATHEXT` on Windows).
 */
export function findExecutable(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const name = command.trim();
  if (name === "") {
    return undefined;
  }
  const win = platform === "win32";
  const extensions = win
    ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT;.COM").split(";").filter((e) => e !== "")]
    : [""];
  const candidates = (base: string) => extensions.map((ext) => base + ext);
  const hasDir = name.includes("/") || (win && name.includes("\\"));
  if (hasDir || name.startsWith("~")) {
    const expanded = name.startsWith("~") ? path.join(os.homedir(), name.slice(1)) : name;
    return candidates(path.resolve(cwd, expanded)).find((p) => isExecutableFile(p, win));
  }
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter((d) => d !== "");
  for (const dir of dirs) {
    const found = candidates(path.join(dir, name)).find((p) => isExecutableFile(p, win));
    if (found) {
      return found;
    }
  }
  return undefined;
}

function isExecutableFile(file: string, win: boolean): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (!win) {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

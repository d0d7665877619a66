// Which files of Python's standard library the evaluator uses, traced in
// Pyodide on Node. Run by scripts/stdlib_trace.py (see there); not by hand.
//
//   node scripts/stdlib_trace.mjs ENGINE_TAR_GZ MESSAGES_JSON
//
// It starts Pyodide the way the browser worker does (worker.js): the full
// standard library, a memory snapshot prepared, the engine archive unpacked,
// the adapter imported and the engine created; then it sends every message
// of MESSAGES_JSON (the reference vectors and invalid requests, as the page
// sends them) through the engine, lets a Python error cross into JavaScript
// (as a failing request does), makes a memory snapshot, and prints JSON: the
// standard library files the imported modules came from, and the modules
// built into the runtime.

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "pyodide";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [archivePath, messagesPath] = process.argv.slice(2);
if (!archivePath || !messagesPath) {
  process.stderr.write("usage: stdlib_trace.mjs ENGINE_TAR_GZ MESSAGES_JSON\n");
  process.exit(2);
}
const extractDir = "/home/pyodide/crossroads";
process.on("uncaughtException", (error) => {
  process.stderr.write(`stdlib_trace: ${String((error && error.stack) || error).slice(0, 3000)}\n`);
  process.exit(1);
});
const pyodide = await loadPyodide({ indexURL: join(root, "node_modules", "pyodide") + "/", packages: [], _makeSnapshot: true, stdout: () => {}, stderr: () => {} });
pyodide.unpackArchive(new Uint8Array(readFileSync(archivePath)), "gztar", { extractDir });
pyodide.runPython(`import sys\nif ${JSON.stringify(extractDir)} not in sys.path: sys.path.insert(0, ${JSON.stringify(extractDir)})`);
const engine = pyodide.pyimport("crossroads_web").create();
for (const message of JSON.parse(readFileSync(messagesPath, "utf8"))) engine.handle(message);
try {
  pyodide.runPython("raise ValueError('traced')");
} catch {
  // expected: the error crossed into JavaScript
}
pyodide.runPython("import sys; sys.version.split()[0]");
pyodide.makeMemorySnapshot();
const report = pyodide.runPython(`
import json, sys
zip_path = sys.path[[p.endswith('.zip') for p in sys.path].index(True)] if any(p.endswith('.zip') for p in sys.path) else ''
files = set()
for module in list(sys.modules.values()):
    origin = getattr(getattr(module, '__spec__', None), 'origin', None) or getattr(module, '__file__', None)
    if isinstance(origin, str) and zip_path and origin.startswith(zip_path + '/'):
        files.add(origin[len(zip_path) + 1:])
json.dumps({"python": sys.version.split()[0], "files": sorted(files), "builtin": sorted(sys.builtin_module_names),
            "frozen": sorted(name for name, m in sys.modules.items() if getattr(getattr(m, '__spec__', None), 'origin', None) == 'frozen')})
`);
process.stdout.write(report + "\n");

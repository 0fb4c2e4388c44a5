// SPDX-License-Identifier: GPL-2.0-only
//
// The krls VS Code extension: starts `krls serve` (LSP over stdio) for Rust, Kconfig and
// Makefile/Kbuild documents. It only wires the editor to the server: every feature (checks,
// completion, hover, definition) is the server's, so it sits beside rust-analyzer without
// duplicating it (the server registers only what rust-analyzer lacks).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  Location as LspLocation,
  ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
// The options the server takes in initializationOptions and under "krls" in
// workspace/didChangeConfiguration.
interface ServerSettings {
  kernel: string;
  build: string;
  checks: Record<string, boolean>;
  logLevel: string;
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

function settings(): ServerSettings {
  const cfg = vscode.workspace.getConfiguration('krls');
  // krls.checks is an object; `"krls.checks.some-id": false` lands in the same object because
  // VS Code nests dotted keys. Keep only booleans.
  const checks: Record<string, boolean> = {};
  const raw = cfg.get<Record<string, unknown>>('checks') ?? {};
  for (const [id, on] of Object.entries(raw)) {
    if (typeof on === 'boolean') {
      checks[id] = on;
    }
  }
  return {
    kernel: expandHome(cfg.get<string>('kernel.dir') ?? ''),
    build: expandHome(cfg.get<string>('build.dir') ?? ''),
    checks,
    logLevel: cfg.get<string>('logLevel') ?? 'info',
  };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// The server binary: the krls.server.path setting, else `krls` on PATH, else the binary a
// platform-specific .vsix bundles as server/krls.
function findServer(context: vscode.ExtensionContext): { path?: string; tried: string[] } {
  const tried: string[] = [];
  const configured = vscode.workspace.getConfiguration('krls').get<string>('server.path') ?? '';
  if (configured) {
    const p = expandHome(configured);
    tried.push(`krls.server.path = ${p}`);
    return isExecutable(p) ? { path: p, tried } : { tried };
  }
  const exe = process.platform === 'win32' ? 'krls.exe' : 'krls';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, exe))) {
      return { path: path.join(dir, exe), tried };
    }
  }
  tried.push('krls on PATH');
  const bundled = context.asAbsolutePath(path.join('server', exe));
  tried.push(bundled);
  return isExecutable(bundled) ? { path: bundled, tried } : { tried };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const server = findServer(context);
  if (!server.path) {
    output.appendLine(`krls server not found; tried: ${server.tried.join(', ')}`);
    const fix = 'Open Settings';
    const pick = await vscode.window.showErrorMessage(
      'krls: cannot find the krls server binary (tried ' + server.tried.join(', ') + '). ' +
        'Build it (`go build -o ~/.local/bin/krls ./cmd/krls` in the krls repository) so it is on PATH, ' +
        'or set krls.server.path.',
      fix,
    );
    if (pick === fix) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'krls.server.path');
    }
    return;
  }
  output.appendLine(`starting ${server.path} serve`);
  const serverOptions: ServerOptions = { command: server.path, args: ['serve'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'rust' },
      { scheme: 'file', language: 'kconfig' },
      { scheme: 'file', language: 'makefile' },
    ],
    initializationOptions: settings(),
    outputChannel: output,
    middleware: {
      workspace: {
        // A server that asks workspace/configuration for "krls" gets the same shape as
        // initializationOptions, not VS Code's nested settings tree.
        configuration: (params, token, next) => {
          const mine = params.items.map((item) => (item.section === 'krls' ? settings() : undefined));
          if (mine.every((v) => v !== undefined)) {
            return mine;
          }
          return next(params, token);
        },
      },
    },
  };
  client = new LanguageClient('krls', 'krls', serverOptions, clientOptions);
  await client.start();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (client) {
    const old = client;
    client = undefined;
    try {
      await old.stop();
    } catch (e) {
      output.appendLine(`stopping krls: ${e}`);
    }
  }
  await start(context);
}

async function serverCommand(command: string, args: unknown[] = []): Promise<unknown> {
  if (!client) {
    void vscode.window.showWarningMessage('krls: the server is not running (krls: Restart server).');
    return undefined;
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

// openLocations shows what krls.openKconfigEntry / krls.openMakefileLine answered: one Location
// opens, several give a pick list, none a message.
async function openLocations(what: string, result: unknown): Promise<void> {
  if (!client) {
    return;
  }
  const raw = (Array.isArray(result) ? result : result ? [result] : []) as LspLocation[];
  const locations = raw.map((l) => client!.protocol2CodeConverter.asLocation(l));
  if (locations.length === 0) {
    void vscode.window.showInformationMessage(`krls: no ${what} found.`);
    return;
  }
  let target = locations[0];
  if (locations.length > 1) {
    const items = locations.map((l) => ({
      label: vscode.workspace.asRelativePath(l.uri),
      description: `line ${l.range.start.line + 1}`,
      location: l,
    }));
    const pick = await vscode.window.showQuickPick(items, { placeHolder: `Several ${what}s` });
    if (!pick) {
      return;
    }
    target = pick.location;
  }
  const editor = await vscode.window.showTextDocument(target.uri);
  editor.selection = new vscode.Selection(target.range.start, target.range.end);
  editor.revealRange(target.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function activeUri(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showWarningMessage('krls: open a Rust file of the module first.');
    return undefined;
  }
  return doc.uri.toString();
}

// The CONFIG_ symbol to open: the one under the cursor (CONFIG_X in any file, X in a Kconfig
// file), else the one of the Makefile line that builds the current file (obj-$(CONFIG_X) += x.o),
// else what the user types.
async function kconfigSymbol(editor: vscode.TextEditor): Promise<string | undefined> {
  const doc = editor.document;
  const range = doc.getWordRangeAtPosition(editor.selection.active, /[A-Za-z0-9_]+/);
  const word = range ? doc.getText(range) : '';
  const m = /^CONFIG_(\w+)$/.exec(word);
  if (m) {
    return m[1];
  }
  if (doc.languageId === 'kconfig' && /^[A-Z][A-Z0-9_]+$/.test(word)) {
    return word;
  }
  const result = await serverCommand('krls.openMakefileLine', [doc.uri.toString()]);
  const first = (Array.isArray(result) ? result[0] : result) as LspLocation | undefined;
  if (first && first.uri) {
    const mk = await vscode.workspace.openTextDocument(vscode.Uri.parse(first.uri));
    const line = mk.lineAt(first.range.start.line).text;
    const sym = /CONFIG_(\w+)/.exec(line);
    if (sym) {
      return sym[1];
    }
  }
  return vscode.window.showInputBox({
    prompt: 'krls: no Makefile line names an option for this file. Kconfig symbol to open:',
    placeHolder: 'SAMPLE_RUST_MINIMAL',
  });
}

async function openKconfig(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) {
    void vscode.window.showWarningMessage('krls: open a file of the module first.');
    return;
  }
  const sym = await kconfigSymbol(editor);
  if (sym) {
    await openLocations(`Kconfig entry for ${sym}`, await serverCommand('krls.openKconfigEntry', [sym.replace(/^CONFIG_/, '')]));
  }
}

function describe(result: unknown): string {
  if (typeof result === 'string') {
    return result;
  }
  return JSON.stringify(result, null, 2);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('krls');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('krls.restart', () => restart(context)),
    vscode.commands.registerCommand('krls.reindexKernel', async () => {
      const r = await serverCommand('krls.reindex');
      if (r !== undefined) {
        void vscode.window.showInformationMessage(`krls: ${r ? describe(r) : 're-indexing started'}`);
      }
    }),
    vscode.commands.registerCommand('krls.showIndexStatus', async () => {
      const r = await serverCommand('krls.indexStatus');
      if (r !== undefined) {
        output.appendLine('index status: ' + describe(r));
        output.show(true);
        void vscode.window.showInformationMessage('krls index: ' + describe(r).split('\n').slice(0, 6).join(' '));
      }
    }),
    vscode.commands.registerCommand('krls.openKconfig', () => openKconfig()),
    vscode.commands.registerCommand('krls.openMakefile', async () => {
      const uri = activeUri();
      if (uri) {
        await openLocations('Makefile line', await serverCommand('krls.openMakefileLine', [uri]));
      }
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('krls')) {
        return;
      }
      if (e.affectsConfiguration('krls.server.path') || !client) {
        await restart(context);
        return;
      }
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { krls: settings() } });
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}

// SPDX-License-Identifier: GPL-2.0-only
//
// Drives code-server (VS Code 1.100 in the browser) with the krls .vsix installed, through
// Debian's headless chromium and playwright-core, on a copy of a real kernel tree:
// samples/rust/rust_minimal.rs gets a hover on KVec, module! key completion after `license`,
// and the bindings-direct warning on a typed `bindings::mutex_lock` line; samples/rust/Kconfig is
// highlighted as Kconfig, a Kbuild file is a Makefile, "krls: Show index status" answers.
// Expectations come from the tree's own files (rust/macros/module.rs EXPECTED_KEYS, the sample).
//
// Usage: node e2e.js URL WORKSPACE OUTDIR   (playwright-core found through NODE_PATH)
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [url, ws, outdir] = process.argv.slice(2);
// Timeouts only bound failures: scale them up on a loaded machine (E2E_SLOW, default 3).
const SLOW = Number(process.env.E2E_SLOW || 3);
const T = (ms) => ({ timeout: ms * SLOW });
const t0 = Date.now();
const log = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

// Oracles from the tree.
const sample = fs.readFileSync(path.join(ws, 'samples/rust/rust_minimal.rs'), 'utf8').split('\n');
const lineOf = (re) => {
  const i = sample.findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`no line ${re} in rust_minimal.rs`);
  return i + 1;
};
const moduleRs = fs.readFileSync(path.join(ws, 'rust/macros/module.rs'), 'utf8');
const keyList = /EXPECTED_KEYS: &\[&str\] =\s*&\[([^\]]*)\]/.exec(moduleRs);
if (!keyList) throw new Error('no EXPECTED_KEYS in rust/macros/module.rs');
const keys = [...keyList[1].matchAll(/"(\w+)"/g)].map((m) => m[1]);
const afterLicense = keys.slice(keys.indexOf('license') + 1);
if (afterLicense.length === 0) throw new Error('no module! key after license');

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let ok = false;
  // Problems that do not stop the run: all are reported together at the end.
  const problems = [];
  const problem = (m) => { log('PROBLEM: ' + m); problems.push(m); };
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const shot = async (name) => {
    const p = path.join(outdir, name);
    await page.screenshot({ path: p });
    log('screenshot ' + p);
  };
  const gotoLine = async (spec) => {
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input', T(10000));
    await page.keyboard.type(spec);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 5000 * SLOW });
  };
  const quickOpen = async (query, tab) => {
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', T(10000));
    await page.keyboard.type(query);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: tab });
    await row.first().waitFor(T(30000));
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: tab }).waitFor(T(15000));
    await page.waitForSelector('.monaco-editor .view-lines', T(15000));
  };
  // retry presses keys until the locator shows up; key presses right after a quick input closes
  // can be swallowed (see /work/shared/clients/README.md).
  const retry = async (what, tries, wait, press, locator) => {
    for (let i = 1; ; i++) {
      await press();
      try { await locator.first().waitFor(T(wait)); return; } catch (e) {
        if (i === tries) throw new Error(`${what}: ${e.message}`);
        log(`${what}: not yet (try ${i})`);
        await page.keyboard.press('Escape');
      }
    }
  };
  const language = () => page.locator('#status\\.editor\\.mode').first().innerText();

  try {
    page.on('pageerror', (e) => log('pageerror: ' + e.message));
    await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded', ...T(60000) });
    await page.waitForSelector('.monaco-workbench', T(60000));
    log('workbench loaded');
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor(T(30000));

    await quickOpen('rust_minimal.rs', 'rust_minimal.rs');
    log('rust_minimal.rs open');
    await page.click('.monaco-editor .view-lines');

    // 1. Hover on KVec (retried while krls indexes the tree in the background).
    const kvecLine = lineOf(/KVec<i32>/);
    const kvecCol = sample[kvecLine - 1].indexOf('KVec') + 3;
    await gotoLine(`${kvecLine}:${kvecCol}`);
    const hover = page.locator('.monaco-hover:visible', { hasText: 'KVec' });
    await retry('hover on KVec', 20, 3000, async () => {
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
    }, hover);
    log('hover: ' + (await hover.first().innerText()).replace(/\s+/g, ' ').slice(0, 120));
    await shot('hover.png');
    await page.keyboard.press('Escape');

    // 2. module! key completion on a new line after `license`.
    const licenseLine = lineOf(/^\s*license:/);
    await gotoLine(`${licenseLine}`);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const want = afterLicense[afterLicense.length - 1];
    const item = page.locator('.suggest-widget.visible .monaco-list-row', { hasText: want });
    await retry('module! key completion', 5, 5000, () => page.keyboard.press('Control+Space'), item);
    const labels = await page.locator('.suggest-widget.visible .monaco-list-row .label-name').allInnerTexts();
    log('suggest widget: ' + labels.join(', '));
    for (const k of afterLicense) {
      if (!labels.some((l) => l === k || l.startsWith(k + ':') || l.startsWith(k + ' '))) {
        throw new Error(`module! key ${k} not offered (${labels.join(', ')})`);
      }
    }
    if (labels.some((l) => l.startsWith('kmodule') || l === 'kphy_driver')) {
      problem('skeletons offered inside module! (' + labels.join(', ') + ')');
    }
    await shot('completion.png');
    await page.keyboard.press('Escape');

    // 3. The bindings-direct warning on a typed line (one line lower: the completion line stays).
    const initLine = lineOf(/fn init/) + 1;
    const typed = 'let _ = unsafe { bindings::mutex_lock(core::ptr::null_mut()) };';
    await gotoLine(`${initLine}`);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type(typed, { delay: 5 });
    await page.keyboard.press('Escape');
    await page.waitForSelector('.monaco-editor .squiggly-warning', T(30000));
    log('warning squiggle shown');
    const col = 9 + typed.indexOf('bindings') + 3;
    await gotoLine(`${initLine + 1}:${col}`);
    const diagHover = page.locator('.monaco-hover:visible', { hasText: 'mutex_lock' });
    await retry('diagnostic hover', 5, 3000, async () => {
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
    }, diagHover);
    log('diagnostic hover: ' + (await diagHover.first().innerText()).replace(/\s+/g, ' ').slice(0, 160));
    await shot('diagnostic.png');
    // The editor part only, small enough for docs/ and the README.
    await page.screenshot({ path: path.join(outdir, 'readme.png'), clip: { x: 348, y: 90, width: 932, height: 430 } });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const problemRow = page.locator('.markers-panel .monaco-list-row', { hasText: 'bindings-direct' });
    await problemRow.first().waitFor(T(10000));
    log('problems panel: ' + (await problemRow.first().innerText()).replace(/\s+/g, ' ').slice(0, 160));
    await page.keyboard.press('Control+Shift+M');

    // 4. Show index status through the command palette.
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', T(10000));
    await page.keyboard.type('krls: Show index status');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show index status' }).first().waitFor(T(10000));
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts', { hasText: 'krls index' });
    await toast.first().waitFor(T(15000));
    log('status: ' + (await toast.first().innerText()).replace(/\s+/g, ' ').slice(0, 160));

    // 5. Kconfig: language mode and TextMate highlighting; Kbuild: Makefile.
    await quickOpen('samples/rust/Kconfig', 'Kconfig');
    await page.waitForFunction(() => document.querySelector('#status\\.editor\\.mode')?.innerText === 'Kconfig', null, T(10000));
    const classes = await page.$$eval('.monaco-editor .view-line span span', (els) => [...new Set(els.map((e) => e.className))]);
    log(`Kconfig: language ${await language()}, ${classes.length} token classes`);
    if (classes.length < 4) throw new Error('Kconfig not highlighted: ' + classes.join(' '));
    await shot('kconfig.png');
    await quickOpen('oot/Kbuild', 'Kbuild');
    await page.waitForFunction(() => document.querySelector('#status\\.editor\\.mode')?.innerText === 'Makefile', null, T(10000));
    log(`Kbuild: language ${await language()}`);

    // 6. "krls: Open Kconfig entry" from the module goes to its config entry (through the
    // Makefile line that builds it).
    const kconfig = fs.readFileSync(path.join(ws, 'samples/rust/Kconfig'), 'utf8').split('\n');
    const entryLine = kconfig.indexOf('config SAMPLE_RUST_MINIMAL') + 1;
    if (entryLine === 0) throw new Error('no config SAMPLE_RUST_MINIMAL in samples/rust/Kconfig');
    await page.locator('.tab', { hasText: 'rust_minimal.rs' }).first().click();
    await page.locator('.tab.active', { hasText: 'rust_minimal.rs' }).waitFor(T(10000));
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', T(10000));
    await page.keyboard.type('krls: Open Kconfig entry');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Kconfig entry' }).first().waitFor(T(10000));
    await page.keyboard.press('Enter');
    const opened = page.locator('.tab.active', { hasText: 'Kconfig' });
    const asked = page.locator('.quick-input-widget:visible', { hasText: 'Kconfig symbol to open' });
    await opened.or(asked).first().waitFor(T(30000));
    if (await asked.count() > 0) {
      problem('Open Kconfig entry: the server found no Makefile line for rust_minimal.rs (asked for a symbol)');
      await page.keyboard.press('Escape');
    } else {
      const selection = page.locator('#status\\.editor\\.selection', { hasText: `Ln ${entryLine},` });
      try {
        await selection.first().waitFor(T(10000));
        log('Open Kconfig entry: ' + (await selection.first().innerText()));
      } catch (e) {
        problem(`Open Kconfig entry: not at line ${entryLine}`);
      }
    }

    // 7. The skeletons come from the server (snippets/rust.json, embedded in krls), at the top
    // level of a file that declares no module yet, in the forms of this tree: 6.12 has
    // module_phy_driver! but neither module! params (~6.17) nor kernel::miscdevice (6.13).
    await quickOpen('samples/rust/krls_new.rs', 'krls_new.rs');
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('k');
    const skel = page.locator('.suggest-widget.visible .monaco-list-row', { hasText: 'kmodule' });
    await retry('skeleton completion', 5, 5000, () => page.keyboard.press('Control+Space'), skel);
    const skelLabels = await page.locator('.suggest-widget.visible .monaco-list-row .label-name').allInnerTexts();
    log('suggest widget for k: ' + skelLabels.join(', '));
    if (skelLabels.filter((l) => l === 'kmodule').length !== 1) problem('kmodule offered ' + skelLabels.filter((l) => l === 'kmodule').length + ' times');
    if (!skelLabels.includes('kphy_driver')) problem('kphy_driver not offered on 6.12');
    for (const absent of ['kmodule_params', 'kmisc_device']) {
      if (skelLabels.includes(absent)) problem(absent + ' offered, but this tree has no such API');
    }
    await shot('skeleton.png');
    await page.keyboard.press('Escape');

    // 8. A krls.server.path that does not exist: the extension restarts, says what it tried
    // and offers the setting.
    {
      // A workspace setting: the workspace folder is watched (user settings edited behind
      // code-server's back were not picked up).
      fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'krls.server.path': '/nonexistent/krls' }));
      const err = page.locator('.notifications-toasts .notification-toast', { hasText: 'cannot find the krls server' });
      await err.first().waitFor(T(30000));
      log('server missing: ' + (await err.first().innerText()).replace(/\s+/g, ' ').slice(0, 200));
      await shot('missing-server.png');
      await err.first().getByRole('button', { name: 'Open Settings' }).click();
      await page.locator('.settings-editor').first().waitFor(T(15000));
      await page.locator('.settings-editor .setting-item', { hasText: 'Server: Path' }).first().waitFor(T(15000));
      log('Open Settings shows krls.server.path');
    }
    if (problems.length > 0) throw new Error(`${problems.length} problem(s): ${problems.join('; ')}`);
    ok = true;
  } catch (e) {
    console.error('FAIL:', e.message);
    try { await page.screenshot({ path: path.join(outdir, 'failure.png') }); } catch (_) { /* ignore */ }
  } finally {
    await browser.close();
  }
  console.log(ok ? 'PASS' : 'FAILED');
  process.exit(ok ? 0 : 1);
})();

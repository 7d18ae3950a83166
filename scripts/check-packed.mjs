#!/usr/bin/env node
// The packages as users get them (issue #14, "Done when"), run by CI after `pnpm lint`:
//  1. build and `pnpm pack` every package with the commands docs/getting-started.md gives a user
//     ("From a clone, until the packages are published": the block marked
//     `<!-- check-packed: install from a clone -->`), read from the page and run as written
//     (`pnpm install` and `pnpm build` left out with --skip-build: CI has just built);
//  2. check each tarball: LICENSE, README, CHANGELOG, no source maps, no workspace: ranges left;
//  3. in a fresh project in a temporary directory, run the page's `npm install` line as written,
//     with every other tarball, their peers (the frameworks, ioredis 6 — npm's `latest`) and
//     TypeScript already in its package.json, and npm's cache in that directory too;
//  4. run an ESM script and a CJS script that use every entry point (scripts/check-packed/);
//  5. `tsc --strict` over a consumer of every entry point under module/moduleResolution node16,
//     nodenext and bundler (plus the node10 fallback), typo probes (`@ts-expect-error`) included,
//     each with the page's documented tsconfig (`<!-- check-packed: tsconfig -->`) as its base;
//  6. run the shipped store contract suite with vitest, as a user's own store would.
// Every step fails the script (exit 1) with its output. The temporary directory is removed at the
// end (KEEP_PACKED=1 keeps it for a look).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURES = join(ROOT, 'scripts/check-packed');
const PACKAGES = ['core', 'tokens', 'testing', 'express', 'fastify', 'koa', 'redis', 'postgres', 'otel'];

/** What the consumer project installs beside the tarballs: every peer, at what npm gives today. */
const PEERS = {
  express: '^5.1.0',
  fastify: '^5.6.0',
  koa: '^3.0.1',
  ioredis: '^6.1.0',
  pg: '^8.11.0',
  vitest: '^4.1.12',
  '@opentelemetry/api': '^1.9.0',
};
const DEV = {
  typescript: '~5.9.3',
  '@types/node': '^20.19.0',
  '@types/express': '^5.0.3',
  '@types/koa': '^3.0.0',
  '@types/pg': '^8.10.0',
};

/** The page whose install commands and tsconfig this check runs (see the top of this file). */
const INSTALL_DOC = 'docs/getting-started.md';
/** The line of the documented block that stands for the user's own project: the check's scratch project. */
const YOUR_PROJECT = 'cd /path/to/your-project';

/** The code of the fenced block right after `<!-- check-packed: <name> -->` in the install page. */
function documentedBlock(name) {
  const text = readFileSync(join(ROOT, INSTALL_DOC), 'utf8');
  const match = new RegExp(`<!-- check-packed: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\`\\n`).exec(text);
  if (!match) throw new Error(`${INSTALL_DOC} has no block marked <!-- check-packed: ${name} -->`);
  return match[1];
}

/**
 * The documented install commands, split where the user changes to their project: the lines run
 * in the clone (build, pack) and the lines run in the project (`npm install` of the tarballs).
 * Throws when the block is not the documented sequence any more.
 */
function documentedInstall() {
  const lines = documentedBlock('install from a clone')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const split = lines.indexOf(YOUR_PROJECT);
  const inClone = lines.slice(0, split);
  const inProject = lines.slice(split + 1);
  const problems = [];
  if (split === -1) problems.push(`no "${YOUR_PROJECT}" line`);
  if (!inClone.includes('pnpm install --frozen-lockfile')) problems.push('no "pnpm install --frozen-lockfile" in the clone');
  if (!inClone.includes('pnpm build')) problems.push('no "pnpm build" in the clone');
  if (!inClone.some((line) => /\bpnpm pack --pack-destination "\$SCOPELADDER_PACKS"/.test(line)))
    problems.push('no pnpm pack into $SCOPELADDER_PACKS');
  if (inProject.length !== 1 || !inProject[0].startsWith('npm install ')) problems.push('not exactly one "npm install" line in the project');
  if (problems.length > 0) throw new Error(`${INSTALL_DOC}: the install-from-a-clone block is not the checked sequence: ${problems.join('; ')}`);
  return { inClone, install: inProject[0] };
}

const started = Date.now();
const skipBuild = process.argv.includes('--skip-build');
const work = mkdtempSync(join(tmpdir(), 'scopeladder-packed-'));
const project = join(work, 'consumer');
let failed = false;

function step(title) {
  console.log(`\n── ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Runs a command without blocking (the tsc runs go in parallel); resolves its exit status and output. */
function runAsync(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve({ status, output: output.trim() }));
  });
}

/** Runs a command; on failure prints its output and throws. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
  return output;
}

let tarballs;
try {
  const documented = documentedInstall();
  const inClone = skipBuild
    ? documented.inClone.filter((line) => line !== 'pnpm install --frozen-lockfile' && line !== 'pnpm build')
    : documented.inClone;
  step(`${INSTALL_DOC}, in the clone: ${inClone.join(' && ').slice(0, 160)}…`);
  const packsFile = join(work, 'packs-dir');
  // One shell, as a user's: `export SCOPELADDER_PACKS=…` holds for the lines after it.
  run('sh', ['-ec', `${inClone.join('\n')}\nprintf '%s' "$SCOPELADDER_PACKS" > '${packsFile}'`], { cwd: ROOT });
  tarballs = readFileSync(packsFile, 'utf8');
  if (tarballs === '') throw new Error(`${INSTALL_DOC}: the commands left SCOPELADDER_PACKS empty`);
  const files = {};
  for (const name of PACKAGES) {
    const file = readdirSync(tarballs).find((entry) => entry.startsWith(`scopeladder-${name}-`) && entry.endsWith('.tgz'));
    if (!file) throw new Error(`the documented pnpm pack wrote no tarball for @scopeladder/${name} into ${tarballs}`);
    files[name] = join(tarballs, file);
  }

  step('tarball contents');
  const problems = [];
  for (const name of PACKAGES) {
    const listing = execFileSync('tar', ['-tzvf', files[name]], { encoding: 'utf8' }).trim().split('\n');
    const entries = listing.map((line) => line.split(/\s+/).pop());
    const unpacked = listing.reduce((sum, line) => sum + Number(line.split(/\s+/)[2]), 0);
    for (const required of [
      'package/LICENSE',
      'package/README.md',
      'package/CHANGELOG.md',
      'package/package.json',
      'package/dist/index.js',
      'package/dist/index.cjs',
    ]) {
      if (!entries.includes(required)) problems.push(`@scopeladder/${name}: no ${required.slice('package/'.length)}`);
    }
    for (const entry of entries) {
      if (entry.endsWith('.map')) problems.push(`@scopeladder/${name}: ships a source map (${entry}) without the sources`);
    }
    const manifest = execFileSync('tar', ['-xzOf', files[name], 'package/package.json'], { encoding: 'utf8' });
    if (manifest.includes('workspace:')) problems.push(`@scopeladder/${name}: a workspace: range left in package.json`);
    const license = execFileSync('tar', ['-xzOf', files[name], 'package/LICENSE'], { encoding: 'utf8' });
    if (license !== readFileSync(join(ROOT, 'LICENSE'), 'utf8')) problems.push(`@scopeladder/${name}: LICENSE differs from the root one`);
    console.log(
      `@scopeladder/${name.padEnd(8)} ${String(entries.length).padStart(2)} files, ${(statSync(files[name]).size / 1024).toFixed(1).padStart(6)} KiB packed, ${(unpacked / 1024).toFixed(1).padStart(6)} KiB unpacked`,
    );
  }
  if (problems.length > 0) throw new Error(`tarball problems:\n${problems.join('\n')}`);

  step(`${INSTALL_DOC}, in a fresh project: ${documented.install}`);
  mkdirSync(project);
  // The tarballs the documented line names are installed by it; the others, the peers and
  // TypeScript are in package.json already, so the same `npm install` installs them all.
  const named = new Set([...documented.install.matchAll(/scopeladder-([a-z]+)-\*\.tgz/g)].map((match) => match[1]));
  const dependencies = { ...PEERS };
  for (const name of PACKAGES) if (!named.has(name)) dependencies[`@scopeladder/${name}`] = `file:${files[name]}`;
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'scopeladder-consumer', private: true, type: 'module', dependencies, devDependencies: DEV }, null, 2)}\n`,
  );
  for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(project, file));
  run('sh', ['-ec', documented.install], {
    cwd: project,
    env: {
      ...process.env,
      SCOPELADDER_PACKS: tarballs,
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_loglevel: 'error',
    },
  });
  for (const name of PACKAGES) {
    if (!existsSync(join(project, 'node_modules/@scopeladder', name, 'package.json'))) throw new Error(`npm installed no @scopeladder/${name}`);
  }
  const installed = (name) => JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')).version;
  console.log(
    ['ioredis', 'express', 'fastify', 'koa', 'typescript', 'vitest', '@casl/ability', 'jose', 'fast-check']
      .map((name) => `${name} ${installed(name)}`)
      .join(', '),
  );
  if (!installed('ioredis').startsWith('6.')) throw new Error(`expected ioredis 6, npm installed ${installed('ioredis')}`);

  step('ESM script');
  console.log(run('node', ['consumer.mjs'], { cwd: project, env: { ...process.env, EXPECT_IOREDIS_MAJOR: '6' } }));

  step('CJS script');
  console.log(run('node', ['consumer.cjs'], { cwd: project }));

  step('tsc --strict: node16, nodenext, bundler, node10');
  // The documented tsconfig is the base of every run: what a reader copies is what compiles.
  const documentedOptions = JSON.parse(documentedBlock('tsconfig')).compilerOptions;
  for (const [option, value] of Object.entries({ module: 'nodenext', moduleResolution: 'nodenext', strict: true })) {
    if (documentedOptions[option] !== value)
      throw new Error(
        `${INSTALL_DOC}: the documented tsconfig has ${option} ${JSON.stringify(documentedOptions[option])}, not ${JSON.stringify(value)}`,
      );
  }
  const base = {
    ...documentedOptions,
    noEmit: true,
    lib: ['ES2023'],
    skipLibCheck: false,
    exactOptionalPropertyTypes: false,
  };
  const configs = {
    node16: { compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' }, files: ['consumer.ts', 'consumer.cts'] },
    nodenext: { compilerOptions: { ...base, module: 'nodenext', moduleResolution: 'nodenext' }, files: ['consumer.ts', 'consumer.cts'] },
    bundler: { compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' }, files: ['consumer.ts'] },
    // The old resolution ignores `exports`; `typesVersions` must carry the subpaths. Library
    // .d.ts files are checked under the three modern modes; here only resolution is the question.
    node10: {
      compilerOptions: { ...base, module: 'commonjs', moduleResolution: 'node10', skipLibCheck: true, esModuleInterop: true },
      files: ['consumer-node10.ts'],
    },
  };
  const runs = Object.entries(configs).map(([mode, config]) => {
    writeFileSync(join(project, `tsconfig.${mode}.json`), `${JSON.stringify(config, null, 2)}\n`);
    return runAsync(join(project, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${mode}.json`, '--pretty', 'false'], { cwd: project }).then(
      (result) => ({ mode, ...result }),
    );
  });
  const thirdParty = new Set();
  const ours = [];
  for (const { mode, status, output } of await Promise.all(runs)) {
    // Errors in other packages' own .d.ts files (checked because skipLibCheck is off) are theirs
    // to fix and are only reported; any error in the consumer files or in @scopeladder's
    // declarations fails the check, and so does a non-zero exit with no error line at all.
    const errors = output.split('\n').filter((line) => /^\S.*\(\d+,\d+\): error TS\d+/.test(line));
    const mine = errors.filter((line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/@scopeladder/'));
    for (const line of errors.filter((line) => !mine.includes(line))) thirdParty.add(line.replace(/^(\S+?)\(.*?error (TS\d+).*$/, '$1 $2'));
    if (mine.length > 0 || (status !== 0 && errors.length === 0)) ours.push(`${mode}:\n${mine.length > 0 ? mine.join('\n') : output}`);
    else console.log(`${mode}: clean${mode === 'node10' ? '' : ' (typo probes rejected)'}`);
  }
  if (thirdParty.size > 0) console.log(`not ours, in other packages' declarations (skipLibCheck off):\n  ${[...thirdParty].join('\n  ')}`);
  if (ours.length > 0) throw new Error(`tsc --strict:\n${ours.join('\n')}`);

  step('the shipped store contract suite, run by vitest as a user would');
  const vitest = run(join(project, 'node_modules/.bin/vitest'), ['run', '--root', project, 'store-contract.test.mjs'], {
    cwd: project,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  const summary = vitest.split('\n').find((line) => /^\s+Tests\s+\d+ passed/.test(line));
  if (!summary || /failed/.test(summary)) throw new Error(`vitest:\n${vitest}`);
  console.log(summary.trim());
} catch (error) {
  failed = true;
  console.error(`\ncheck-packed FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (process.env.KEEP_PACKED === '1') console.log(`\nkept ${work}${tarballs ? ` and ${tarballs}` : ''}`);
  else {
    rmSync(work, { recursive: true, force: true });
    if (tarballs) rmSync(tarballs, { recursive: true, force: true });
  }
}
console.log(`\ncheck-packed: ${failed ? 'FAILED' : 'ok'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);

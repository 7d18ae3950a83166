import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package folder (examples/chatshipper-api). */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A bundle built for one test file. */
export interface Build {
  /** The built entry point (`main.js`), as `pnpm start` runs `dist/main.js`. */
  readonly main: string;
  remove(): void;
}

/**
 * Builds the server with the package's own tsup config, into a fresh folder under the package's
 * `node_modules/.cache` (so the frameworks resolve exactly as from `dist/`, and test files
 * running in parallel never clean each other's output). Well under a second.
 */
export function buildServer(): Build {
  const cache = join(PACKAGE_DIR, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, 'chatshipper-api-test-'));
  const tsup = createRequire(import.meta.url).resolve('tsup/dist/cli-default.js');
  execFileSync(process.execPath, [tsup, '--silent', '--out-dir', outDir], { cwd: PACKAGE_DIR, stdio: 'pipe' });
  return { main: join(outDir, 'main.js'), remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

/** A server started as its own process, the way a user starts it. */
export interface ServerProcess {
  readonly baseUrl: string;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Sends a signal and resolves how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly child: ChildProcess;
}

const LISTENING = /listening on (http:\/\/\S+)/;

/**
 * Runs `node <main>` (the built `dist/main.js`) with `env` (plus PATH only: nothing leaks in from the test's
 * environment) and resolves once it prints where it listens.
 */
export function startServerProcess(main: string, env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [main], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const handle: Omit<ServerProcess, 'baseUrl'> = {
    child,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs}ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = LISTENING.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({ ...handle, baseUrl: match[1] });
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (code ${code}, signal ${signal}) before listening\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

/** Runs the server with `env` and resolves its exit and output, for configurations that must not start. */
export function runToExit(
  main: string,
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

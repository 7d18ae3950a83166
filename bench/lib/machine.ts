// Where and with what a run happened: written at the top of RESULTS.md.
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  readonly loadAverage: readonly number[];
  readonly exposeGc: boolean;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 10) / 10;
  return {
    node: process.version,
    v8: process.versions.v8,
    os: `${type()} ${release()} ${process.arch}`,
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    exposeGc: typeof (globalThis as { gc?: unknown }).gc === 'function',
  };
}

export interface PackageVersion {
  readonly name: string;
  readonly version: string;
  /** Where the benchmark loaded it from, relative to the repository (shows dist vs sources). */
  readonly loadedFrom?: string | undefined;
}

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(new URL('../package.json', import.meta.url));

export const SCOPELADDER_PACKAGES = ['@scopeladder/core', '@scopeladder/tokens', '@scopeladder/express', '@scopeladder/fastify', '@scopeladder/koa'];
export const OTHER_PACKAGES = [
  '@casl/ability',
  'casbin',
  'accesscontrol',
  'jose',
  '@fastify/jwt',
  'express-oauth2-jwt-bearer',
  'express',
  'fastify',
  'koa',
  '@koa/router',
  'autocannon',
  'mitata',
];

function version(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    const manifest = `${BENCH_DIR}node_modules/${name}/package.json`;
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
}

/** Versions of our packages (and the file each resolved to) and of everything else measured. */
export function packageVersions(): { ours: PackageVersion[]; others: PackageVersion[] } {
  const ours = SCOPELADDER_PACKAGES.map((name) => {
    let loadedFrom: string | undefined;
    try {
      loadedFrom = fileURLToPath(import.meta.resolve(name)).replace(REPO_DIR, '');
    } catch {
      loadedFrom = undefined;
    }
    return { name, version: version(name), loadedFrom };
  });
  return { ours, others: OTHER_PACKAGES.map((name) => ({ name, version: version(name) })) };
}

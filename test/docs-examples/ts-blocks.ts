// The ```ts blocks of the README and docs pages, and the markers that say how each is checked.
// Used by docs-typecheck.test.ts, which compiles every block with `strict` against the
// workspace sources. A block is checked as it stands, as its own module, unless the HTML comment
// on the line just before its fence says otherwise:
//
//   <!-- example: test/docs-examples/express.ts -->
//       The block is that file, verbatim (docs-examples.test.ts checks that; `pnpm typecheck`
//       compiles the file). Not compiled again here.
//   <!-- ts-check: with express-app, request -->
//       The block leaves out what the page explains around it (the service, the app, a
//       repository…): these preludes, test/docs-examples/preludes/<name>.ts, are appended to it
//       (declarations only, so that line numbers stay the page's).
//   <!-- ts-check: skip (the reason) -->
//       Not compiled; the reason is required. Keep these rare: only for blocks that are not
//       TypeScript a reader could paste (a fragment of a larger literal, pseudo-code).
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { ROOT } from './docs-blocks.js';

/** One ```ts block of a markdown page. */
export interface TsBlock {
  /** The page, relative to the repository root. */
  readonly file: string;
  /** The line of the block's first code line (1-based). */
  readonly line: number;
  readonly code: string;
  /** How it is checked (see the top of this file). */
  readonly check:
    | { readonly kind: 'compile'; readonly preludes: readonly string[] }
    | { readonly kind: 'example'; readonly path: string }
    | { readonly kind: 'skip'; readonly reason: string };
}

/** The pages whose TypeScript blocks are checked: every README and every docs page. */
export function markdownPages(): string[] {
  const packages = readdirSync(ROOT + 'packages', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `packages/${entry.name}/README.md`);
  const examples = readdirSync(ROOT + 'examples', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `examples/${entry.name}/README.md`);
  const docs = readdirSync(ROOT + 'docs')
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...packages, ...examples, ...docs].filter((file) => {
    try {
      readFileSync(ROOT + file);
      return true;
    } catch {
      return false;
    }
  });
}

const FENCE_OPEN = /^```(ts|typescript|tsx|mts|cts)\s*$/;
const MARKER = /^<!--\s*(example|ts-check):\s*(.*?)\s*-->$/;

/** The TypeScript blocks of `file`, with their markers; throws on a marker it does not understand. */
export function tsBlocksOf(file: string): TsBlock[] {
  const lines = readFileSync(ROOT + file, 'utf8').split('\n');
  const blocks: TsBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = lines[index]!;
    if (/^```/.test(open) && !FENCE_OPEN.test(open)) {
      // Another language: skip to its closing fence.
      index = closingFence(lines, index, file);
      continue;
    }
    if (!FENCE_OPEN.test(open)) continue;
    const end = closingFence(lines, index, file);
    const code = lines.slice(index + 1, end).join('\n') + '\n';
    const marker = MARKER.exec(lines[index - 1] ?? '');
    blocks.push({ file, line: index + 2, code, check: checkOf(marker, file, index + 1) });
    index = end;
  }
  return blocks;
}

function closingFence(lines: readonly string[], open: number, file: string): number {
  for (let index = open + 1; index < lines.length; index++) if (/^```\s*$/.test(lines[index]!)) return index;
  throw new Error(`${file}:${open + 1}: a code block that is never closed`);
}

function checkOf(marker: RegExpExecArray | null, file: string, line: number): TsBlock['check'] {
  if (marker === null) return { kind: 'compile', preludes: [] };
  const [, kind, argument = ''] = marker;
  if (kind === 'example') return { kind: 'example', path: argument };
  const skip = /^skip\s+\((.+)\)$/.exec(argument);
  if (skip !== null) return { kind: 'skip', reason: skip[1]! };
  const withPreludes = /^with\s+(.+)$/.exec(argument);
  if (withPreludes !== null) return { kind: 'compile', preludes: withPreludes[1]!.split(',').map((name) => name.trim()) };
  throw new Error(`${file}:${line}: unknown marker "${marker[0]}" (expected "ts-check: with <preludes>" or "ts-check: skip (<reason>)")`);
}

/** The declarations of prelude `name` (test/docs-examples/preludes/<name>.ts), without its `export {};`. */
export function preludeOf(name: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`bad prelude name "${name}"`);
  return readFileSync(`${ROOT}test/docs-examples/preludes/${name}.ts`, 'utf8').replace(/^export \{\};\n/m, '');
}

/** Where a block lives in the program: beside test/package.json (ESM, the frameworks resolvable). */
const virtualPath = (block: TsBlock): string => `${ROOT}test/docs-examples/__blocks__/${block.file.replace(/[/.]/g, '_')}_${block.line}.ts`;

function sourceOf(block: TsBlock): string {
  const preludes = block.check.kind === 'compile' ? block.check.preludes : [];
  // Appended, not prepended: the block's lines stay the page's. `export {}` makes it a module.
  return [block.code, 'export {};', ...preludes.map(preludeOf)].join('\n');
}

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    `${ROOT}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (parsed === undefined) throw new Error('tsconfig.json could not be read');
  return { ...parsed.options, noEmit: true, strict: true };
}

/** Compiles `group` as one program; the diagnostics of each block, as `page:line: message`. */
function typecheck(group: readonly TsBlock[], options: ts.CompilerOptions): Map<TsBlock, string[]> {
  const sources = new Map(group.map((block) => [virtualPath(block), block]));
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (path) => sources.has(path) || fileExists(path);
  host.readFile = (path) => {
    const block = sources.get(path);
    return block === undefined ? readFile(path) : sourceOf(block);
  };
  host.getSourceFile = (path, language, onError, shouldCreate) => {
    const block = sources.get(path);
    return block === undefined ? getSourceFile(path, language, onError, shouldCreate) : ts.createSourceFile(path, sourceOf(block), language, true);
  };
  const program = ts.createProgram([...sources.keys()], options, host);
  const result = new Map<TsBlock, string[]>(group.map((block) => [block, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const block = diagnostic.file === undefined ? undefined : sources.get(diagnostic.file.fileName);
    if (block === undefined || diagnostic.start === undefined) {
      // Outside the blocks (a global problem): reported on every block of the program.
      for (const list of result.values()) list.push(`${diagnostic.file?.fileName ?? '(program)'}: ${message}`);
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    const code = block.code.split('\n').length - 1;
    const where = line < code ? `${block.file}:${block.line + line}` : `${block.file}:${block.line} (prelude)`;
    result.get(block)!.push(`${where}: TS${diagnostic.code}: ${message}`);
  }
  return result;
}

/**
 * Compiles `blocks` with the repository's compiler options (`strict`): the diagnostics of each,
 * as `page:line: TSxxxx: message`. A block that augments a module (`declare module`) changes the
 * types of every file of its program, so it is compiled alone; the others share one program.
 */
export function typecheckBlocks(blocks: readonly TsBlock[]): Map<TsBlock, string[]> {
  const options = compilerOptions();
  const augmenting = blocks.filter((block) => /^\s*declare module\b/m.test(block.code));
  const shared = blocks.filter((block) => !augmenting.includes(block));
  return new Map([shared, ...augmenting.map((block) => [block])].flatMap((group) => [...typecheck(group, options)]));
}

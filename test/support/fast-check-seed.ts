/**
 * Vitest setup file: every property test of the run starts from the seed the global setup chose
 * (fast-check-global-setup.ts), unless the test names its own. A failure prints that seed and the
 * counterexample path, so it replays exactly.
 */
import fc from 'fast-check';

const seed = Number(process.env['FC_SEED']);
if (Number.isSafeInteger(seed)) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });

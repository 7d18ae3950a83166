// A Stryker test runner: the vitest runner, except that a mutant run in which NO test ran counts
// as killed. Stryker only runs a mutant against tests that covered its code in the dry run, so
// "no test ran" means the mutant broke the module itself (it throws at import, or at collection):
// every user of the module would fail. The plain vitest runner reports that as "survived".
import { commonTokens, declareFactoryPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { MutantRunStatus } from '@stryker-mutator/api/test-runner';
import { strykerPlugins as vitestPlugins } from '@stryker-mutator/vitest-runner';

const createVitestRunner = vitestPlugins[0].factory;

function createStrictVitestRunner(injector) {
  const inner = createVitestRunner(injector);
  return {
    capabilities: () => inner.capabilities(),
    init: () => inner.init(),
    dryRun: (options) => inner.dryRun(options),
    dispose: () => inner.dispose?.(),
    async mutantRun(options) {
      const result = await inner.mutantRun(options);
      if (result.status === MutantRunStatus.Survived && result.nrOfTests === 0) {
        return {
          status: MutantRunStatus.Killed,
          killedBy: [],
          failureMessage: 'No test ran: the mutant breaks the module (it throws at import or collection).',
          nrOfTests: 0,
        };
      }
      return result;
    },
  };
}
createStrictVitestRunner.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'vitest-strict', createStrictVitestRunner)];

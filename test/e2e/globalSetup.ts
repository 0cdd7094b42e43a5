// Playwright globalSetup: the e2e tests start `circletake serve` as a child for every test; it starts from the
// run's CLI bundle instead of compiling the sources through tsx each time (test/support/cliBundle.ts).
import { buildTestBundles } from '../support/cliBundle';

export default async function globalSetup(): Promise<void> {
  await buildTestBundles();
}

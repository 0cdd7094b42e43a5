// A process for the prompt-key race test: for each line "<dataDir> <startAtMs>" on stdin it waits
// until startAtMs (so every worker starts together), asks FileKeys for the prompt key and prints
// "<hex>" — or "error <message>" — on one line.
import { createInterface } from 'node:readline';
import { FileKeys } from '../../electron/core/security/fileKeys';

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [dir, at] = line.split(' ');
  while (Date.now() < Number(at)) {
    // spin: a timer would blur the start by a millisecond or more
  }
  try {
    process.stdout.write(`${new FileKeys(dir!).key('prompt').toString('hex')}\n`);
  } catch (e) {
    process.stdout.write(`error ${(e as Error).message}\n`);
  }
});
process.stdout.write('ready\n');

import { resolve } from 'node:path';
import { SensitivityLabel } from '../../../shared/contract/labels';
import type { AssetLabel } from '../../core/policy/assetLabels';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, projectOf, reportError, UsageError } from '../cliSupport';

/**
 * `circletake label`: sensitivity labels on a project's input assets. A prompt image or clip labeled
 * confidential or restricted is refused at submit unless the project is on the plan's
 * policy.sensitive_allowlist.
 */
export const labelCommand: Command = {
  name: 'label',
  summary: 'label a project’s input assets (public, internal, confidential, restricted), by file or from an import manifest',
  usage:
    'circletake label FILE --project NAME --as public|internal|confidential|restricted | label --manifest FILE --project NAME | label --list --project NAME | label --remove SHA256 --project NAME  [--json] [--data-dir D]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { ...dataDirOption, json: { type: 'boolean' }, project: { type: 'string' }, as: { type: 'string' }, manifest: { type: 'string' }, list: { type: 'boolean' }, remove: { type: 'string' } },
      true,
    );
    const json = values.json === true;
    if (!values.project) throw new UsageError('--project is required (the project whose assets these are)');
    const modes = [positionals.length > 0, values.manifest !== undefined, values.list === true, values.remove !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new UsageError('give one of: FILE --as LABEL, --manifest FILE, --list, --remove SHA256');
    if (positionals.length > 1) throw new UsageError('label takes one FILE at a time (use --manifest for many)');
    const label = values.as === undefined ? undefined : SensitivityLabel.safeParse(values.as);
    if (positionals.length === 1 && !label?.success) throw new UsageError(`--as must be one of ${SensitivityLabel.options.join(', ')}`);
    const core = await openCore(values);
    try {
      const projectId = (await projectOf(core, values.project)).id;
      let out: AssetLabel[];
      if (values.list) out = await call(core, 'labels.list', { projectId });
      else if (values.remove !== undefined) {
        await call(core, 'labels.remove', { projectId, sha256: values.remove });
        out = await call(core, 'labels.list', { projectId });
      } else if (values.manifest !== undefined) out = await call(core, 'labels.importManifest', { projectId, manifestFile: resolve(values.manifest) });
      else out = [await call(core, 'labels.set', { projectId, file: resolve(positionals[0]!), label: label!.data! })];
      print(io, out, json);
      return 0;
    } catch (e) {
      return reportError(e, io, json);
    } finally {
      await core.dispose();
    }
  },
};

function print(io: CliIo, labels: AssetLabel[], json: boolean): void {
  if (json) {
    io.out(JSON.stringify(labels));
    return;
  }
  if (labels.length === 0) io.out('no labels');
  for (const l of labels) io.out(`${l.label.padEnd(12)} ${l.fileName}  ${l.sha256.slice(0, 12)}…  (${l.source})`);
}

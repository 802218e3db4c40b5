// Placeholder until the detect verb's owner lands it: keeps the CLI's verb table complete.
export const name = 'detect';
export const summary = '(not yet available)';
export const usage = 'Usage: lstm-lab detect …  (not yet available in this build)';

export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('lstm-lab detect: not yet available\n');
  return 2;
}

// Placeholder until the bench verb's owner lands it: keeps the CLI's verb table complete.
export const name = 'bench';
export const summary = '(not yet available)';
export const usage = 'Usage: lstm-lab bench …  (not yet available in this build)';

export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('lstm-lab bench: not yet available\n');
  return 2;
}

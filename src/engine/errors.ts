// Errors whose cause is what the user gave (a missing or corrupt file, a checkpoint that does
// not fit, a bad pattern, a text too long), as opposed to failures while running. The CLI
// exits 2 for them (1 for failures); everywhere else they are ordinary Errors with a message
// that says what is wrong and what to do.
export class InputError extends Error {
  override name = 'InputError';
}

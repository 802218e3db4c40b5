// What a failed file write means to a user, said once for the checkpoint writer and the runs store.

/** The cause of a failed file operation in words, with what to do for the common errno codes. */
export function fileErrorCause(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return 'the disk is full; free some space';
  if (code === 'EROFS') return 'the storage is read-only';
  if (code === 'EACCES' || code === 'EPERM') return "permission denied; check the folder's permissions";
  return (error as Error)?.message ?? String(error);
}

// Messages between the host (extension or CLI) and the Python child (harness/lstmlab_harness.py):
// one JSON object per line, each declared once here as a valibot schema (the type is inferred
// from it, the guard is `parseChildMessage`). The Python side writes exactly these shapes.
import * as v from 'valibot';
import { CellResultSchema, CheckInputSchema } from '../shared/cell-check';

// The check's content and result are shared with the TF.js checker and the host: declared in src/shared/cell-check.ts.
export * from '../shared/cell-check';

// ---- host → child ---------------------------------------------------------------------------

export const CheckRequestSchema = v.object({
  type: v.literal('check'),
  id: v.number(),
  ...CheckInputSchema.entries,
});
export type CheckRequest = v.InferOutput<typeof CheckRequestSchema>;

// ---- child → host ---------------------------------------------------------------------------

export const ReadySchema = v.object({
  type: v.literal('ready'),
  python: v.string(),
  torch: v.nullable(v.string()),
  numpy: v.nullable(v.string()),
  pid: v.number(),
});
export type Ready = v.InferOutput<typeof ReadySchema>;

/** The user's print() / stderr output while their code ran. */
export const PrintSchema = v.object({
  type: v.literal('print'),
  id: v.nullable(v.number()),
  stream: v.picklist(['stdout', 'stderr']),
  text: v.string(),
});
export type Print = v.InferOutput<typeof PrintSchema>;

export const ResultSchema = v.object({ type: v.literal('result'), id: v.number(), result: CellResultSchema });
export const FailedSchema = v.object({ type: v.literal('failed'), id: v.nullable(v.number()), message: v.string(), traceback: v.optional(v.string()) });

export const ChildMessageSchema = v.variant('type', [ReadySchema, PrintSchema, ResultSchema, FailedSchema]);
export type ChildMessage = v.InferOutput<typeof ChildMessageSchema>;

/** Parses one line from the child; an error message (naming the first issue) when it is not a declared message. */
export function parseChildMessage(line: string): ChildMessage | { invalid: string } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { invalid: `not JSON: ${line.slice(0, 200)}` };
  }
  const parsed = v.safeParse(ChildMessageSchema, data);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { invalid: `${where ? `${where}: ` : ''}${issue.message}` };
}

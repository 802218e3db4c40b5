// The PyTorch side of `lstm-lab bench --vs-pytorch`: the same training batch (embedding →
// nn.LSTM → linear → cross-entropy ignoring padding → backward → Adam, same sizes, random
// text) timed by PyTorch in a child Python, for 1 thread and for every core, so the bench
// can print fast-lstm's ratio to it measured in the same run.
import { execFile } from 'node:child_process';
import type { BenchConfig } from './bench';

export interface PyTorchRow {
  /** 'nn.LSTM' (PyTorch's own, cuDNN-free CPU kernel). */
  model: string;
  threads: number;
  msPerBatch: number;
  /** CPU time per batch, all threads together (process time). */
  cpuMsPerBatch: number;
  /** Why this row is not a median of timed batches (too slow to be worth timing). */
  note?: string;
}

export interface PyTorchBench {
  python: string;
  torch: string;
  rows: PyTorchRow[];
}

// One thread count per Python process: OpenBLAS and OpenMP size their pools when torch is
// imported, from OPENBLAS_NUM_THREADS / OMP_NUM_THREADS (torch.set_num_threads alone leaves
// Debian's OpenBLAS spinning threads on every core).
const SCRIPT = `
import json, sys, time
import torch, torch.nn as nn
cfg = json.loads(sys.argv[1])
T, B, E, H, V = cfg["seqLen"], cfg["batchSize"], cfg["embeddingSize"], cfg["hiddenSize"], cfg["vocabSize"]
torch.set_num_threads(cfg["threads"])
torch.manual_seed(0)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.lstm = nn.LSTM(E, H, batch_first=True)
        self.out = nn.Linear(H, V)
    def forward(self, x):
        h, _ = self.lstm(self.embedding(x))
        return self.out(h)

model = Model()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss(ignore_index=0)
g = torch.Generator().manual_seed(1)
x = torch.randint(2, V, (B, T), generator=g)
y = torch.randint(2, V, (B, T), generator=g)
cpu_ms = []
def step():
    start, cpu_start = time.perf_counter(), time.process_time()
    optimizer.zero_grad()
    loss = loss_fn(model(x).reshape(-1, V), y.reshape(-1))
    loss.backward()
    optimizer.step()
    if not torch.isfinite(loss):
        raise SystemExit("non-finite loss")
    cpu_ms.append((time.process_time() - cpu_start) * 1000)
    return (time.perf_counter() - start) * 1000
warm = [step() for _ in range(max(1, cfg["warmup"]))]
row = {"model": "nn.LSTM", "threads": cfg["threads"]}
# On a machine busy with other work, threads that spin waiting for each other can make a batch
# 40x slower; timing more of them would only burn the machine: the warm-up says enough.
limit = cfg.get("abandonAboveMs")
if limit is not None and min(warm) > limit:
    row.update(msPerBatch=min(warm), cpuMsPerBatch=min(cpu_ms), note="warm-up batch only: over 4x the time of fewer threads")
else:
    del cpu_ms[:]
    times = sorted(step() for _ in range(cfg["batches"]))
    n = len(times)
    row.update(msPerBatch=times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2, cpuMsPerBatch=sum(cpu_ms) / n)
print(json.dumps({"torch": torch.__version__, "row": row}))
`;

function runScript(python: string, input: object, threads: number): Promise<{ torch: string; row: PyTorchRow }> {
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', SCRIPT, JSON.stringify(input)], { env, timeout: 30 * 60_000, maxBuffer: 1 << 20, windowsHide: true }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as { torch: string; row: PyTorchRow });
      } catch {
        const why = stderr.trim().split('\n').pop() ?? error?.message ?? 'no output';
        reject(new Error(`PyTorch's benchmark with ${python} failed: ${why}. Check that this Python imports torch (or pass --python PATH).`));
      }
    });
  });
}

/** Times the batch in PyTorch with `python` (which must import torch), one process per thread count, in the order given. */
export async function benchPyTorch(python: string, config: BenchConfig, threads: number[]): Promise<PyTorchBench> {
  const rows: PyTorchRow[] = [];
  let torch = '';
  for (const count of threads) {
    const best = rows.length > 0 ? Math.min(...rows.map((row) => row.msPerBatch)) : undefined;
    const result = await runScript(python, { ...config, threads: count, ...(best !== undefined ? { abandonAboveMs: 4 * best } : {}) }, count);
    torch = result.torch;
    rows.push(result.row);
  }
  return { python, torch, rows };
}

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
}

export interface PyTorchBench {
  python: string;
  torch: string;
  rows: PyTorchRow[];
}

const SCRIPT = `
import json, sys, time
import torch, torch.nn as nn
cfg = json.loads(sys.argv[1])
T, B, E, H, V = cfg["seqLen"], cfg["batchSize"], cfg["embeddingSize"], cfg["hiddenSize"], cfg["vocabSize"]

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.lstm = nn.LSTM(E, H, batch_first=True)
        self.out = nn.Linear(H, V)
    def forward(self, x):
        h, _ = self.lstm(self.embedding(x))
        return self.out(h)

rows = []
for threads in cfg["threads"]:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=0)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(2, V, (B, T), generator=g)
    y = torch.randint(2, V, (B, T), generator=g)
    def step():
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_fn(model(x).reshape(-1, V), y.reshape(-1))
        loss.backward()
        optimizer.step()
        if not torch.isfinite(loss):
            raise SystemExit("non-finite loss")
        return (time.perf_counter() - start) * 1000
    for _ in range(cfg["warmup"]):
        step()
    times = sorted(step() for _ in range(cfg["batches"]))
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    rows.append({"model": "nn.LSTM", "threads": threads, "msPerBatch": median})
print(json.dumps({"torch": torch.__version__, "rows": rows}))
`;

/** Times the batch in PyTorch with `python` (which must import torch), for each thread count. */
export function benchPyTorch(python: string, config: BenchConfig, threads: number[]): Promise<PyTorchBench> {
  const input = JSON.stringify({ ...config, threads });
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', SCRIPT, input], { timeout: 30 * 60_000, maxBuffer: 1 << 20, windowsHide: true }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as { torch: string; rows: PyTorchRow[] };
        resolve({ python, torch: parsed.torch, rows: parsed.rows });
      } catch {
        const why = stderr.trim().split('\n').pop() ?? error?.message ?? 'no output';
        reject(new Error(`PyTorch's benchmark with ${python} failed: ${why}. Check that this Python imports torch (or pass --python PATH).`));
      }
    });
  });
}

"""Check and probe one cell: run it, compare it with the reference of its kind from the same
weights, locate the first gate that departs, and measure ‖∂Σ|h_t|/∂h0‖ per step (autograd for
torch, central finite differences in float64 for numpy)."""

import time

import numpy as np

import lstmlab_call as call
import lstmlab_load as load
import lstmlab_reference as ref

try:
    import torch
except Exception:
    torch = None

CHECK_SIZE = {"E": 10, "H": 16, "B": 3}
PROBE_SIZE = {"torch": {"E": 50, "H": 125, "B": 1}, "numpy": {"E": 8, "H": 16, "B": 1}}
TOLERANCE = 1e-6  # relative, both sides in float64
FLOAT32_TOLERANCE = 1e-4  # a cell that computes in float32 itself (.float(), dtype=float32) rounds at ~6e-8 a step


class Captures:
    """What the instrumented cell recorded: per step, per gate, the last (line, variable, value)."""

    def __init__(self):
        self.step = -1
        self.on = False
        self.values = {}
        self.count_calls = False  # a driving forward calls the step method once per step

    def tick(self):
        self.step += 1

    def step_call(self):
        if self.count_calls:
            self.step += 1

    def capture(self, gate, line, var, value):
        if self.on:
            self.values.setdefault(max(self.step, 0), {})[gate] = (line, var, value)

    def reset(self, on):
        self.step, self.on, self.values = -1, on, {}

    def h_count(self):
        return sum(1 for v in self.values.values() if "h" in v)


def rel_diff(a, b):
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-6))


def reference_run(variant, P, xs, h0, c0, xp):
    """[(values, preactivations)] and the states, per step."""
    h, c = h0, c0
    out = []
    for t in range(xs.shape[0]):
        values, pre, h, c = ref.step(variant, P, xs[t], h, c, xp)
        out.append((values, pre))
    return out


def as_canon(layout, value, B, H, lib):
    if not lib.is_array(value):
        return None
    a = call.from_layout(layout, value, B, H)
    return None if a is None else lib.numpy(a)


class Cell:
    """The loaded cell at one size: its callable, weights, captures."""

    def __init__(self, request, units, size, seed):
        self.request = request
        target = request["target"]
        self.kind = target["kind"]
        self.unit = units[target["unit"]]
        self.captures = Captures()
        extra = {load.CAPTURE: self.captures.capture, load.TICK: self.captures.tick, load.STEP_CALL: self.captures.step_call}
        self.namespace, self.target, self.has_loop, self.step_method = load.load(units, self.unit, target["name"], target.get("gates", {}), extra)
        self.warnings = bind_stray_globals(self, target["name"])
        self.lib = call.Lib("torch" if torch is not None and call.uses_torch(self.namespace, self.target) else "numpy")
        self.E, self.H, self.B = size["E"], size["H"], size["B"]
        self.rng = np.random.default_rng(seed)
        fused = target.get("layout") == "fused"
        self.callable, self.weights = call.make_callable(self.namespace, self.target, self.unit, self.kind, fused, self.E, self.H, self.lib, self.has_loop, self.rng, self.captures, self.callable_proxy, self.step_method)

    callable_proxy = None

    def run(self, xs, h0, c0, capture, live=False):
        """Canonical numpy/torch states per step; with capture, the gate values per step too.
        live: prefer each step's h as the loop computed it (captured) to slices of the returned
        sequence, whose cat/transpose would make every per-step backward pass touch the whole
        (B, T, H) tensor."""
        self.captures.reset(capture or live)
        self.captures.count_calls = self.callable.seq and not self.has_loop
        on_step = None
        if not self.callable.seq:
            def on_step(t):
                self.captures.step = t
        states = self.callable.run(xs, h0, c0, on_step)
        T = xs.shape[0]
        if live and self.captures.h_count() == T:
            L, B = self.callable.layout, call.layout_batch(self.callable.layout, xs.shape[1])
            live_states = [call.from_layout(L, self.captures.values[t]["h"][2], B, self.H) for t in range(T)]
            if all(s is not None for s in live_states):
                return live_states
        if any(s is None for s in states):
            L, B = self.callable.layout, call.layout_batch(self.callable.layout, xs.shape[1])
            states = [self.lib.array(as_canon(L, self.captures.values.get(t, {}).get("h", (0, 0, None))[2], B, self.H, self.lib)) for t in range(xs.shape[0])]
        return states


def bind_stray_globals(cell, name):
    """A global the cell reads but nothing loaded defines. When every use is `G.attr` with attr
    one of the function's own parameters (the notebook's lstm_step reads lstm.b_i beside its
    parameter b_i), G is bound to those arguments so the cell runs as written, with a warning
    on that line; otherwise it is an error on the first use."""
    missing = load.unbound_globals(cell.target, cell.unit, cell.namespace)
    warnings = []
    import inspect
    import types

    fn = cell.namespace.get(name)
    params = set(inspect.signature(fn).parameters) if callable(fn) and not inspect.isclass(fn) else set()
    for g, line in sorted(missing.items(), key=lambda kv: kv[1]):
        uses = load.attribute_uses(cell.target, g)
        if params and uses and all(attr in params for attr, _ in uses):
            proxy = types.SimpleNamespace()
            cell.namespace[g] = proxy
            cell.callable_proxy = proxy
            attrs = ", ".join(sorted({"%s.%s" % (g, a) for a, _ in uses}))
            for attr, use_line in uses:
                warnings.append({"message": "%s reads the global `%s.%s` instead of its parameter `%s`: it works only while a global `%s` holds the same weights. LSTM Lab ran it with `%s` bound to the arguments it passed (%s)." % (name, g, attr, attr, g, g, attrs), "line": use_line})
        else:
            raise load.LoadError("line %d: `%s` is not defined by the imports and definitions the cell can see (LSTM Lab runs only those, not other statements): pass it as a parameter or define it in a function or class" % (line, g), line, cell.unit)
    return warnings


def check(cell, steps):
    """The verdict for one flag setting (forget gate on/off for optional-forget cells)."""
    E, H, B = cell.E, cell.H, cell.B
    rng = np.random.default_rng(1)
    # Every weight random (biases too), so a bias taken from the wrong gate shows.
    for name, value in cell.weights.items():
        k = 1.0 / np.sqrt(H)
        cell.weights.set(name, rng.uniform(-k, k, np.shape(value)))
    xs = rng.standard_normal((steps, B, E))
    h0 = rng.standard_normal((B, H)) * 0.5
    c0 = rng.standard_normal((B, H)) * 0.5 if cell.kind.startswith("lstm") else None
    if not cell.callable.has_state():  # the cell starts from its own zeros
        h0 = np.zeros((B, H))
        c0 = None if c0 is None else np.zeros((B, H))
    lib = cell.lib
    states = cell.run(lib.array(xs), lib.array(h0), None if c0 is None else lib.array(c0), True)
    Bl = call.layout_batch(cell.callable.layout, B)
    xs, h0 = xs[:, :Bl], h0[:Bl]
    c0 = None if c0 is None else c0[:Bl]
    user = [lib.numpy(s) for s in states]
    single = any(str(getattr(s, "dtype", "")) in ("float32", "torch.float32", "float16", "torch.float16") for s in states)
    tol = FLOAT32_TOLERANCE if single else TOLERANCE
    kind = "lstm-no-forget" if cell.kind.startswith("lstm") and cell.callable.flags.get("forget-flag") is False else cell.kind
    if kind == "lstm" and cell.kind == "lstm-no-forget":
        kind = "lstm-no-forget"
    best = None
    order = 0
    for options, P, _ in ref.candidates(cell.weights.items(), kind, E, H):
        for variant in ref.variants(kind):
            run = reference_run(variant, P, xs, h0, c0, np)
            diffs = [rel_diff(u, r[0]["h"]) for u, r in zip(user, run)]
            first = locate(cell, run, user, variant, B, tol)
            # The convention that agrees longest: the latest first difference (step, then gate
            # within the step); on a tie the first listed (PyTorch's) convention.
            gates = ref.gates_of(variant["kind"]) + ("c", "h")
            score = (len(diffs), 0, 0) if first is None else (first["step"], gates.index(first["gate"]) if first["gate"] in gates else 0, -order)
            order += 1
            if best is None or score > best[0]:
                best = (score, options, P, variant, run, diffs, first)
    _, options, P, variant, run, diffs, first = best
    result = {"reference": ref.REFERENCE_NAMES[kind], "variant": variant, "options": options, "maxRelDiff": max(diffs), "steps": steps, "float32": single}
    result["firstDifference"] = first
    if result["firstDifference"] is None and lib.name == "torch":
        result["firstDifference"] = compare_gradients(cell, variant, P, xs, h0, c0, tol)
    return result


def locate(cell, run, user, variant, B, tol=TOLERANCE):
    """The first step and, within it, the first gate whose value departs from the reference."""
    L, H, lib = cell.callable.layout, cell.H, cell.lib
    Bl = call.layout_batch(L, B)
    order = ref.gates_of(variant["kind"]) + (("c", "h") if variant["kind"].startswith("lstm") else ("h",) if variant["kind"] == "gru" else ())
    gate_lines = cell.request["target"].get("gates", {})
    for t, ((values, pre), u) in enumerate(zip(run, user)):
        seen = cell.captures.values.get(t, {})
        for gate in order:
            if gate not in values or gate not in seen:
                continue
            line, var, value = seen[gate]
            a = as_canon(L, value, Bl, H, lib)
            if a is None:
                continue
            if rel_diff(a, values[gate]) > tol and not (gate in pre and rel_diff(a, pre[gate]) <= tol):
                return {"step": t, "gate": gate, "line": line, "variable": var, "equation": ref.equation(variant, gate)}
        if rel_diff(u, values["h"]) > tol:
            lines = gate_lines.get("h") or []
            h_seen = seen.get("h")
            return {"step": t, "gate": "h", "line": h_seen[0] if h_seen else (lines[-1] if lines else None), "variable": h_seen[1] if h_seen else "h", "equation": ref.equation(variant, "h")}
    return None


def compare_gradients(cell, variant, P, xs, h0, c0, tol=TOLERANCE):
    """Values can agree while gradients do not (a .detach() or .data in the step)."""
    T = min(xs.shape[0], 20)
    user = gradient_norms(cell, T, xs[:T], start=(h0, c0))
    reference = reference_gradient_norms(variant, P, xs[:T], h0, c0)
    for t, (u, r) in enumerate(zip(user, reference)):
        if abs(u - r) > tol * max(abs(r), 1e-6):
            lines = cell.request["target"].get("gates", {}).get("h") or []
            line = cut_line(cell.target) or (lines[-1] if lines else None)
            return {"step": t, "gate": "h", "line": line, "variable": "h", "equation": ref.equation(variant, "h"), "gradient": True}
    return None


def cut_line(target):
    """The first line that cuts the graph (.detach(), .data, .numpy(), torch.no_grad), if any."""
    import ast

    for node in sorted((n for n in ast.walk(target) if hasattr(n, "lineno")), key=lambda n: n.lineno):
        if isinstance(node, ast.Attribute) and node.attr in ("detach", "detach_", "data", "numpy", "no_grad", "item"):
            return node.lineno
    return None


def gradient_norms(cell, steps, xs, start=None):
    """‖∂Σ|h_t|/∂h0‖ for t = 1..steps: autograd (torch) or central differences (numpy).
    h0 is one vector shared by the batch (the notebook's probe) unless `start` gives states."""
    lib, H = cell.lib, cell.H
    B = xs.shape[1]
    if start is not None:
        base_h, base_c = start
    else:
        base_h, base_c = np.zeros((B, H)), (np.zeros((B, H)) if cell.kind.startswith("lstm") else None)
    if lib.name == "torch":
        h0 = torch.zeros(H, dtype=torch.float64, requires_grad=True)
        h_start = torch.tensor(base_h) + h0
        c_start = None if base_c is None else torch.tensor(base_c)
        states = cell.run(torch.tensor(xs), h_start, c_start, False, live=True)
        losses = torch.stack([s.abs().sum() for s in states])
        return per_step_grads(losses, h0)
    def losses(delta):
        states = cell.run(np.asarray(xs), base_h + delta, base_c, False)
        return np.array([np.abs(np.asarray(s)).sum() for s in states])
    return finite_difference_norms(losses, H)


def per_step_grads(losses, h0):
    """‖∂losses[t]/∂h0‖ for every t; 0 where a loss does not depend on h0 (a detached state)."""
    T = losses.shape[0]
    if not losses.requires_grad:
        return [0.0] * T
    try:
        (grads,) = torch.autograd.grad(losses, h0, grad_outputs=torch.eye(T, dtype=losses.dtype), is_grads_batched=True, retain_graph=True, allow_unused=True)
        return [0.0] * T if grads is None else [float(g.norm()) for g in grads]
    except Exception:  # an op without a batching rule: one backward per step, as the notebook does
        norms = []
        for t in range(T):
            if not losses[t].requires_grad:
                norms.append(0.0)
                continue
            (g,) = torch.autograd.grad(losses[t], h0, retain_graph=True, allow_unused=True)
            norms.append(0.0 if g is None else float(g.norm()))
        return norms


def finite_difference_norms(losses, H, eps=1e-6):
    grads = []
    for j in range(H):
        d = np.zeros(H)
        d[j] = eps
        grads.append((losses(d) - losses(-d)) / (2 * eps))
    return [float(v) for v in np.linalg.norm(np.stack(grads), axis=0)]


def reference_gradient_norms(variant, P, xs, h0, c0):
    if torch is None:
        raise RuntimeError("torch is needed for reference gradients")
    Pt = ref.to_xp(P, lambda a: torch.tensor(np.asarray(a)))
    H = h0.shape[1]
    d = torch.zeros(H, dtype=torch.float64, requires_grad=True)
    h, c = torch.tensor(h0) + d, (None if c0 is None else torch.tensor(c0))
    losses = []
    for t in range(xs.shape[0]):
        _, _, h, c = ref.step(variant, Pt, torch.tensor(xs[t]), h, c, torch)
        losses.append(h.abs().sum())
    return per_step_grads(torch.stack(losses), d)


def reference_norms_numpy(variant, P, xs, H, lstm):
    B = xs.shape[1]

    def losses(delta):
        h = np.zeros((B, H)) + delta
        c = np.zeros((B, H)) if lstm else None
        out = []
        for t in range(xs.shape[0]):
            _, _, h, c = ref.step(variant, P, xs[t], h, c, np)
            out.append(np.abs(h).sum())
        return np.array(out)

    return finite_difference_norms(losses, H)


def verdict_message(name, result, steps):
    fd = result.get("firstDifference")
    if fd is None:
        return "%s matches the reference %s (max relative difference %.1e over %d steps)" % (name, result["reference"], result["maxRelDiff"], steps)
    where = " on line %d" % fd["line"] if fd.get("line") else ""
    if fd.get("gradient"):
        return "h_t matches %s, but its gradient ∂Σ|h_t|/∂h0 differs from the reference's from step %d: look%s for what cuts the graph (.detach(), .data, no_grad)" % (fd["equation"], fd["step"], where)
    what = fd["variable"]
    return "%s%s differs from %s from step %d" % (what, where, fd["equation"], fd["step"])


def timed(fn, timings, key):
    t0 = time.perf_counter()
    try:
        return fn()
    finally:
        timings[key] = round(time.perf_counter() - t0, 3)

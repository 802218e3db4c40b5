"""LSTM Lab's Python child: checks and probes the user's own recurrent cell.

Protocol: one JSON object per line. stdin carries requests ({"type": "check", "id", ...},
{"type": "shutdown"}); the real stdout carries replies ({"type": "ready"}, {"type": "print",
"id", "stream", "text"}, {"type": "result", "id", "result"}, {"type": "failed", "id",
"message"}). The user's print() and stderr output never reach the JSON stream: they are sent
as "print" messages. The process stays warm between requests (torch is imported once); the
host restarts it when the file's imports change. Declared on the TypeScript side in
src/python/protocol.ts."""

import json
import os
import sys
import time
import traceback

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# The protocol gets its own copy of the stdout descriptor; descriptor 1 itself now points at
# stderr, so even output written below Python (a C extension, os.write(1, ...)) cannot break
# the JSON stream: the client shows stderr as the cell's output.
_PROTOCOL = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
_current_id = None


def send(message):
    _PROTOCOL.write(json.dumps(message, allow_nan=False, default=str) + "\n")
    _PROTOCOL.flush()


class _PrintStream:
    """Replaces sys.stdout/sys.stderr while user code runs: text goes out as 'print' messages."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        if text:
            send({"type": "print", "id": _current_id, "stream": self.stream, "text": text})
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


sys.stdout = _PrintStream("stdout")
sys.stderr = _PrintStream("stderr")

import numpy as np  # noqa: E402

try:
    import torch  # noqa: E402

    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
except Exception:
    torch = None

import lstmlab_call as call  # noqa: E402
import lstmlab_check as chk  # noqa: E402
import lstmlab_load as load  # noqa: E402
import lstmlab_reference as ref  # noqa: E402


def empty_result(target):
    kind = target.get("kind", "unknown")
    return {
        "name": target.get("name"),
        "kind": kind,
        "ran": False,
        "error": None,
        "verdict": "unknown",
        "reference": ref.REFERENCE_NAMES.get(kind),
        "maxRelDiff": None,
        "firstDifference": None,
        "probe": None,
        "message": "",
        "reason": None,
        "warnings": [],
        "library": None,
        "timings": {},
    }


def forget_local_modules(folder):
    """The user's own modules beside the file are imported afresh on each check (they may have
    been edited); installed packages (torch, numpy) stay imported: that is what keeps us warm."""
    prefix = os.path.abspath(folder) + os.sep
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if path and os.path.abspath(path).startswith(prefix) and "site-packages" not in path and "dist-packages" not in path:
            del sys.modules[name]


def seeded(req):
    """Seeds every generator the user's code may draw from (its own initialisation), so a cell
    is built with the same weights on every run."""
    import random

    seed = int(req.get("seed", 0))
    random.seed(seed)
    np.random.seed(seed)
    if torch is not None:
        torch.manual_seed(seed)
    return seed


def run_check(req):
    target = req["target"]
    result = empty_result(target)
    steps = int(req.get("steps", 100))
    timings = result["timings"]
    if target.get("kind") not in ref.REFERENCE_NAMES:
        result["reason"] = "the detector could not tell which cell this is (kind %s), so there is no reference to check it against" % target.get("kind")
        result["message"] = "unknown: " + result["reason"]
        return result
    units = [load.Unit(u["code"], u["filename"], u.get("cellIndex")) for u in req["units"]]
    if units[target["unit"]].filename:
        folder = os.path.dirname(units[target["unit"]].filename)
        if folder and os.path.isdir(folder):
            if folder not in sys.path:
                sys.path.append(folder)
            forget_local_modules(folder)
    try:
        seeded(req)
        cell = chk.timed(lambda: chk.Cell(req, units, chk.CHECK_SIZE, 0), timings, "load")
        result["warnings"] = cell.warnings
        result["library"] = cell.lib.name
        optional = target.get("optionalForgetGate") and cell.callable.roles("forget-flag")
        checks = []
        for flag in ([True, False] if optional else [None]):
            if flag is not None:
                cell.callable.flags["forget-flag"] = flag
            checks.append((flag, chk.timed(lambda: chk.check(cell, steps), timings, "check" if flag is not False else "checkNoForget")))
        result["ran"] = True
        differing = [c for c in checks if c[1]["firstDifference"]]
        flag, chosen = differing[0] if differing else checks[0]
        result["reference"] = chosen["reference"]
        result["maxRelDiff"] = max(c[1]["maxRelDiff"] for c in checks)
        result["firstDifference"] = chosen["firstDifference"]
        result["verdict"] = "differs" if differing else "matches"
        label = target["name"] + ("" if flag is None else " (use_forget_gate=%s)" % flag)
        result["message"] = chk.verdict_message(label, dict(chosen, maxRelDiff=result["maxRelDiff"]), steps)
        if optional and not differing:
            result["message"] = "%s matches the reference LSTM with use_forget_gate=True and the LSTM without forget gate with use_forget_gate=False (max relative difference %.1e over %d steps)" % (target["name"], result["maxRelDiff"], steps)
        if req.get("probe", True):
            result["probe"] = chk.timed(lambda: probe(req, units, cell, chosen, optional), timings, "probe")
    except (load.LoadError, call.CallError, call.UserError, ref.MappingError) as e:
        result["reason"] = str(e)
        line = getattr(e, "line", None)
        if not isinstance(e, ref.MappingError):
            result["error"] = {"message": str(e), "line": line}
            if isinstance(e, call.UserError):
                result["error"]["traceback"] = e.traceback
        result["message"] = "unknown: %s" % e
    except Exception as e:  # the user's code raised while being checked or probed
        line = call.user_line(e, units[target["unit"]].filename)
        text = "%s: %s" % (type(e).__name__, e)
        result["error"] = {"message": text, "line": line, "traceback": traceback.format_exc()}
        result["reason"] = text
        result["message"] = "unknown: %s%s" % (text, " (line %d)" % line if line else "")
    return result


def probe(req, units, checked, chosen, optional):
    """‖∂Σ|h_t|/∂h0‖ per step of the user's code and of the reference from the same weights."""
    if not checked.callable.has_state():
        return {"unavailable": "the cell takes no initial state, so there is no h0 to differentiate by"}
    size = dict(chk.PROBE_SIZE[checked.lib.name], **(req.get("probeSize") or {}))
    seeded(req)
    cell = chk.Cell(req, units, size, 0)
    E, H, B = cell.E, cell.H, cell.B
    T = int(req.get("probeSteps", req.get("steps", 100)))
    rng = np.random.default_rng(2)
    if isinstance(cell.weights, call.FunctionWeights) or not all(np.all(np.isfinite(v)) for _, v in cell.weights.items()):
        shapes = {n: np.shape(v) for n, v in cell.weights.items()}
        for n, v in call.init_weights(shapes, rng, "xavier").items():
            cell.weights.set(n, v)
    kind = cell.kind
    options = chosen["options"]
    mapped = [c for c in ref.candidates(cell.weights.items(), kind, E, H) if c[0] == options] or ref.candidates(cell.weights.items(), kind, E, H)
    _, P, forget_sources = mapped[0]
    variant = chosen["variant"]
    xs = rng.standard_normal((T, B, E))
    specs = [("your code", None, None)]
    if optional:
        specs = [("your code, no forget gate", False, None)] + [("your code, b_f = %+d" % v if v else "your code, b_f = 0", True, v) for v in (1, 0, -1)]
    elif kind == "lstm" and forget_sources:
        specs = [("your code, b_f = %+d" % v if v else "your code, b_f = 0", None, v) for v in (1, 0, -1)]
    series = []
    original = dict(cell.weights.items())
    for name, flag, bias in specs:
        if flag is not None:
            cell.callable.flags["forget-flag"] = flag
        if bias is not None:
            set_forget_bias(cell, forget_sources, original, bias)
        t0 = time.perf_counter()
        norms = chk.gradient_norms(cell, T, xs)
        seconds = time.perf_counter() - t0
        ref_variant = dict(variant, kind="lstm-no-forget") if flag is False else (dict(variant, kind="lstm") if flag is True else variant)
        reference = None
        # Where the check matched, the reference's series is the user's (to 1e-6): computed once, to show it.
        if not series or chosen["firstDifference"] is not None:
            Pv = ref.candidates(cell.weights.items(), kind, E, H)
            Pv = [c for c in Pv if c[0] == options] or Pv
            reference = reference_norms(cell, ref_variant, Pv[0][1], xs)
        series.append({"name": name, "forgetGate": flag is not False and kind != "lstm-no-forget" and kind.startswith("lstm"), "forgetBias": bias, "norms": norms, "reference": reference, "seconds": round(seconds, 3)})
    first = series[0]
    return {"steps": list(range(1, T + 1)), "norms": first["norms"], "series": series, "size": {"E": E, "H": H, "B": call.layout_batch(cell.callable.layout, B)}, "method": "autograd" if cell.lib.name == "torch" else "central finite differences (float64)"}


def reference_norms(cell, variant, P, xs):
    Bl = call.layout_batch(cell.callable.layout, xs.shape[1])
    xs = xs[:, :Bl]
    H = cell.H
    if cell.lib.name == "torch":
        zeros = np.zeros((Bl, H))
        return chk.reference_gradient_norms(variant, P, xs, zeros, zeros if variant["kind"].startswith("lstm") else None)
    return chk.reference_norms_numpy(variant, P, xs, H, variant["kind"].startswith("lstm"))


def set_forget_bias(cell, sources, original, value):
    for k, src in enumerate(sources):
        arr = np.array(original[src["name"]], dtype=np.float64).reshape(-1)
        part = value if k == 0 else 0.0
        if src["start"] is None:
            arr[:] = part
        else:
            arr[src["start"] : src["stop"]] = part
        cell.weights.set(src["name"], arr)


def main():
    global _current_id
    send({"type": "ready", "python": "%d.%d.%d" % sys.version_info[:3], "torch": getattr(torch, "__version__", None), "numpy": np.__version__, "pid": os.getpid()})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            send({"type": "failed", "id": None, "message": "not JSON: %s" % e})
            continue
        if req.get("type") == "shutdown":
            break
        _current_id = req.get("id")
        try:
            if req.get("type") != "check":
                raise ValueError("unknown request type %r" % req.get("type"))
            result = run_check(req)
            send({"type": "result", "id": _current_id, "result": _finite(result)})
        except Exception as e:  # a bug of ours, not the user's: say so, stay alive
            send({"type": "failed", "id": _current_id, "message": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()})
        _current_id = None


def _finite(value):
    """JSON has no NaN/Infinity: they become null (a diverging cell's norms)."""
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return _finite(value.item())
    return value


if __name__ == "__main__":
    main()

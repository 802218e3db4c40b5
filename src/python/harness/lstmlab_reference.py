"""The reference cells, written once for numpy and torch arrays alike (only @, +, *, exp and
tanh), independent of the user's code; and the mapping of the user's weights onto them.

Reference parameters are per gate, in row convention (x @ Wx + bx + h @ Wh + bh):
P[gate] = {"Wx": (E, H), "Wh": (H, H), "bx": (H,), "bh": (H,)}. Weights are recognised by
shape first (E != H != k*H are chosen so that an input weight, a hidden weight, a fused one
and a concatenated [x; h] one cannot be confused), then by name for the gate of a per-gate
weight (W_if -> f). Where the code leaves a convention open (the order of fused gates, the
order of a concatenation, the orientation of a square H x H weight, GRU's z and reset
conventions), every option is a candidate and the check keeps the one that agrees longest."""

import itertools
import re

import numpy as np

LSTM_GATES = ("i", "f", "g", "o")
GRU_GATES = ("r", "z", "n")

EQUATIONS = {
    "lstm": {
        "i": "σ(x W_ii + h W_hi + b_i)",
        "f": "σ(x W_if + h W_hf + b_f)",
        "g": "tanh(x W_ig + h W_hg + b_g)",
        "o": "σ(x W_io + h W_ho + b_o)",
        "c": "f⊙c + i⊙g",
        "h": "o⊙tanh(c)",
    },
    "lstm-no-forget": {
        "i": "σ(x W_ii + h W_hi + b_i)",
        "g": "tanh(x W_ig + h W_hg + b_g)",
        "o": "σ(x W_io + h W_ho + b_o)",
        "c": "c + i⊙g",
        "h": "o⊙tanh(c)",
    },
    "gru": {
        "r": "σ(x W_ir + b_ir + h W_hr + b_hr)",
        "z": "σ(x W_iz + b_iz + h W_hz + b_hz)",
        "n": "tanh(x W_in + b_in + r⊙(h W_hn + b_hn))",
        "h": "(1−z)⊙n + z⊙h",
    },
    "rnn": {"h": "tanh(x W_ih + h W_hh + b)"},
}

REFERENCE_NAMES = {"lstm": "LSTM", "lstm-no-forget": "LSTM without forget gate", "gru": "GRU", "rnn": "RNN"}


def gates_of(kind):
    if kind == "gru":
        return GRU_GATES
    if kind == "rnn":
        return ("h",)
    return LSTM_GATES if kind == "lstm" else ("i", "g", "o")


def equation(variant, gate):
    kind = variant["kind"]
    eq = EQUATIONS[kind].get(gate, gate)
    if kind == "gru":
        if gate == "n" and variant.get("reset") == "before":
            eq = "tanh(x W_in + b_in + (r⊙h) W_hn + b_hn)"
        if gate == "h" and variant.get("z") == "cho":
            eq = "z⊙n + (1−z)⊙h"
    return eq


def step(variant, P, x, h, c, xp):
    """One reference step. Returns (values, preactivations, h_next, c_next); values holds
    every gate's value (the LSTM's c and h too) for locating the first difference."""
    sig = lambda a: 1.0 / (1.0 + xp.exp(-a))
    tanh = xp.tanh
    kind = variant["kind"]

    def pre(g):
        p = P[g]
        return x @ p["Wx"] + p["bx"] + h @ p["Wh"] + p["bh"]

    if kind == "rnn":
        a = pre("h")
        hn = tanh(a)
        return {"h": hn}, {"h": a}, hn, None
    if kind == "gru":
        ar, az = pre("r"), pre("z")
        r, z = sig(ar), sig(az)
        p = P["n"]
        if variant.get("reset") == "before":
            an = x @ p["Wx"] + p["bx"] + (r * h) @ p["Wh"] + p["bh"]
        else:
            an = x @ p["Wx"] + p["bx"] + r * (h @ p["Wh"] + p["bh"])
        n = tanh(an)
        hn = z * n + (1 - z) * h if variant.get("z") == "cho" else (1 - z) * n + z * h
        return {"r": r, "z": z, "n": n, "h": hn}, {"r": ar, "z": az, "n": an}, hn, None
    a = {g: pre(g) for g in gates_of(kind)}
    i, g, o = sig(a["i"]), tanh(a["g"]), sig(a["o"])
    values = {"i": i, "g": g, "o": o}
    if kind == "lstm":
        f = sig(a["f"])
        values["f"] = f
        cn = f * c + i * g
    else:
        cn = c + i * g
    hn = o * tanh(cn)
    values["c"], values["h"] = cn, hn
    return values, a, hn, cn


def variants(kind):
    if kind == "gru":
        return [{"kind": "gru", "z": z, "reset": r} for z in ("pytorch", "cho") for r in ("inside", "before")]
    return [{"kind": kind}]


# ---- mapping the user's weights -------------------------------------------------------------

_GATE_WORDS = {"input": "i", "forget": "f", "cell": "g", "candidate": "g", "output": "o", "reset": "r", "update": "z", "new": "n"}


def gate_letter(name, kind):
    """The gate a per-gate weight belongs to, from its name: W_if -> f, Wf -> f, b_o -> o,
    input_gate.weight -> i, W_c -> g (LSTM candidate), W_h -> n (GRU candidate)."""
    parts = [p for p in re.split(r"[.]", name) if p not in ("weight", "bias")]
    stem = parts[-1] if parts else name
    for word, g in _GATE_WORDS.items():
        if word in stem.lower():
            return g
    letters = re.sub(r"[^A-Za-z]", "", stem)
    letters = re.sub(r"t$", "", letters) if len(letters) > 2 else letters
    last = letters[-1:].lower()
    if kind == "gru":
        return {"h": "n"}.get(last, last)
    return {"c": "g"}.get(last, last)


def _is_hidden_side_bias(name):
    n = name.lower()
    return "hh" in n or "h2h" in n or bool(re.search(r"(^|[._])(b_?h|bias_?h)[a-z]?$", n)) and "ih" not in n


def classify(params, E, H, k):
    """Sorts (name, array) into input / hidden / concat weights and biases by shape.
    Returns (entries, ignored) where entries are dicts {name, role, width, M (row convention), square}."""
    entries, ignored = [], []
    for name, arr in params:
        a = np.asarray(arr, dtype=np.float64)
        squeezed = a.reshape(-1) if (a.ndim == 2 and 1 in a.shape) or a.ndim == 1 else a
        if squeezed.ndim == 1:
            if squeezed.shape[0] in (H, k * H):
                entries.append({"name": name, "role": "bias", "width": squeezed.shape[0], "M": squeezed, "square": False})
            else:
                ignored.append(name)
            continue
        if a.ndim != 2:
            ignored.append(name)
            continue
        r, c = a.shape
        widths = (H, k * H)
        if r == E and c in widths:
            entries.append({"name": name, "role": "x", "width": c, "M": a, "square": False})
        elif c == E and r in widths:
            entries.append({"name": name, "role": "x", "width": r, "M": a.T, "square": False, "transposed": True})
        elif r == E + H and c in widths:
            entries.append({"name": name, "role": "xh", "width": c, "M": a, "square": False})
        elif c == E + H and r in widths:
            entries.append({"name": name, "role": "xh", "width": r, "M": a.T, "square": False, "transposed": True})
        elif r == H and c in widths:
            entries.append({"name": name, "role": "h", "width": c, "M": a, "square": c == H})
        elif c == H and r in widths:
            entries.append({"name": name, "role": "h", "width": r, "M": a.T, "square": False, "transposed": True})
        else:
            ignored.append(name)
    return entries, ignored


class MappingError(Exception):
    pass


FUSED_ORDERS = {"lstm": [("i", "f", "g", "o"), ("i", "f", "o", "g"), ("i", "g", "f", "o")], "gru": [("r", "z", "n"), ("z", "r", "n")]}


def fused_k(kind):
    """How many gates a fused weight holds: 4 for an LSTM (with or without forget gate), 3 for a GRU."""
    return 4 if kind.startswith("lstm") else 3 if kind == "gru" else 1


def option_sets(entries, kind, H):
    """Every combination of the conventions the weights leave open."""
    fused = fused_k(kind) > 1 and any(e["width"] == fused_k(kind) * H for e in entries)
    orders = FUSED_ORDERS.get("lstm" if kind.startswith("lstm") else kind, [None]) if fused else [None]
    transposed = sum(1 for e in entries if e.get("transposed"))
    plain = sum(1 for e in entries if e["role"] in ("x", "h", "xh") and not e.get("transposed") and not e["square"])
    square_first = "T" if transposed > plain else "as-is"
    squares = [square_first, "as-is" if square_first == "T" else "T"] if any(e["square"] for e in entries) else ["as-is"]
    concat = ["xh", "hx"] if any(e["role"] == "xh" for e in entries) else ["xh"]
    return [{"order": o, "square": s, "concat": c} for o, s, c in itertools.product(orders, squares, concat)]


def build(entries, kind, E, H, options):
    """Reference parameters P from classified entries under one option set; also where the
    forget bias lives ({name, start, stop} list) so the probe can set it."""
    gates = gates_of(kind)
    k = fused_k(kind)
    all_gates = LSTM_GATES if kind.startswith("lstm") else gates
    slots = {g: {"Wx": [], "Wh": [], "bx": [], "bh": []} for g in all_gates}
    bias_sources = {g: [] for g in all_gates}

    def split(M):
        """Columns of a fused weight, gate by gate in the option's order."""
        order = options["order"] or all_gates
        return {g: (M[..., j * H:(j + 1) * H], j * H) for j, g in enumerate(order)}

    biases = [e for e in entries if e["role"] == "bias"]
    hidden_side = {e["name"] for e in biases if len(biases) > 1 and _is_hidden_side_bias(e["name"])}
    for e in entries:
        M = e["M"]
        if e["role"] == "h" and e["square"] and options["square"] == "T":
            M = M.T
        blocks = []
        if e["role"] == "xh":
            first, second = (E, H) if options["concat"] == "xh" else (H, E)
            top, bottom = M[:first], M[first:]
            xpart, hpart = (top, bottom) if options["concat"] == "xh" else (bottom, top)
            parts = [("Wx", xpart), ("Wh", hpart)]
        elif e["role"] == "bias":
            parts = [("bh" if e["name"] in hidden_side else "bx", M)]
        else:
            parts = [("Wx" if e["role"] == "x" else "Wh", M)]
        for slot, part in parts:
            if e["width"] == H and len(all_gates) > 1 and k > 1:
                g = gate_letter(e["name"], kind)
                if g not in slots:
                    continue
                blocks.append((g, slot, part, None))
            elif e["width"] == H:
                blocks.append((all_gates[0] if k == 1 else gates[0], slot, part, None))
            else:
                for g, (block, start) in split(part).items():
                    blocks.append((g, slot, block, start))
        for g, slot, block, start in blocks:
            if g in slots:
                slots[g][slot].append(block)
                if slot in ("bx", "bh"):
                    bias_sources[g].append({"name": e["name"], "start": start, "stop": None if start is None else start + H})
    P = {}
    for g in gates:
        s = slots[g]
        if not s["Wx"] or not s["Wh"]:
            missing = "input" if not s["Wx"] else "hidden"
            raise MappingError("no %s weight found for gate %s" % (missing, g))
        if len(s["Wx"]) > 1 or len(s["Wh"]) > 1:
            raise MappingError("more than one %s weight for gate %s" % ("input" if len(s["Wx"]) > 1 else "hidden", g))
        zero = np.zeros(H)
        bx = sum(s["bx"], zero.copy()) if kind != "gru" else (s["bx"][0] if s["bx"] else zero)
        bh = zero if kind != "gru" else (s["bh"][0] if s["bh"] else zero)
        if kind != "gru" and s["bh"]:
            bx = bx + sum(s["bh"], zero.copy())
        P[g] = {"Wx": s["Wx"][0], "Wh": s["Wh"][0], "bx": bx, "bh": bh}
    return P, bias_sources.get("f", [])


def describe(params):
    return ", ".join("%s %s" % (n, tuple(np.shape(a))) for n, a in params) or "none"


def candidates(params, kind, E, H):
    """[(options, P, forget_bias_sources)] for every open convention; MappingError when none maps."""
    entries, _ = classify(params, E, H, fused_k(kind))
    out, errors = [], []
    for options in option_sets(entries, kind, H):
        try:
            P, fb = build(entries, kind, E, H, options)
            out.append((options, P, fb))
        except MappingError as e:
            errors.append(str(e))
    if not out:
        raise MappingError("could not map the weights onto the reference %s (%s); weights found: %s" % (REFERENCE_NAMES.get(kind, kind), errors[0] if errors else "no weights", describe(params)))
    return out


def to_xp(P, convert):
    return {g: {k: convert(v) for k, v in p.items()} for g, p in P.items()}

"""Calls the user's cell the way its signature says.

A class is built from (input size, hidden size), recognised by its __init__ parameter names;
its parameters (torch) or float array attributes (numpy) are its weights. A function's weights
are created from its parameter names (W_ii: input weight of gate i, weight_hh: fused hidden
weight, b_f: forget bias) at the shapes its lines imply: every data layout (rows x @ W, columns
W @ x, single vectors) and weight orientation is tried on two steps, and the first that runs
and returns states of the right shape is kept. A function or method holding the time loop gets
the whole sequence; otherwise LSTM Lab steps it, one call per time step."""

import inspect
import re
import traceback

import numpy as np

import lstmlab_load as load
import lstmlab_reference as ref

try:
    import torch
except Exception:  # numpy-only Pythons still check numpy code
    torch = None

_HIDDEN = re.compile(r"(hid|hidden|units|^h$|^n_?h|state_?size|num_?units|^hs$|hidden_?dim)", re.I)
_INPUT = re.compile(r"(inp|^in_|^n_?in|emb|feat|^e$|^d$|^x|input|^i_?size|^d_?in)", re.I)
_STATE_TUPLE = re.compile(r"^(hidden|state|states|init_states?|initial_states?|hc|prev_state|carry|hx_cx|h_c|prev|memory)$", re.I)
_H = re.compile(r"^(h|h_?t|h_?prev|prev_?h|h_?tm1|hprev|hx|h0|h_0|h_?t_?1|h_?state|hidden_?state|h_?old|s|s_?prev|s_?t)$", re.I)
_C = re.compile(r"^(c|c_?t|c_?prev|prev_?c|cx|c0|c_0|c_?tm1|cprev|cell|cell_?state|c_?state|c_?old)$", re.I)
_WEIGHT = re.compile(r"^(w|u|r|b|weight|bias|v)", re.I)


class CallError(Exception):
    """The cell could not be called; the message says what was expected and what was found."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


class UserError(Exception):
    """The user's code raised: message and the line in their unit."""

    def __init__(self, message, line, text):
        super().__init__(message)
        self.line = line
        self.traceback = text


def user_line(exc, filename):
    """The deepest traceback frame in the user's unit (their line), else None."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line


def uses_torch(namespace, target):
    names = load.referenced_names(target)
    for n in names:
        value = namespace.get(n)
        mod = getattr(value, "__name__", "") if value is not None else ""
        if isinstance(mod, str) and (mod == "torch" or mod.startswith("torch.")):
            return True
        if inspect.isclass(value) and getattr(value, "__module__", "").startswith("torch"):
            return True
    return False


# ---- arrays in the library the cell uses ----------------------------------------------------


class Lib:
    def __init__(self, name):
        self.name = name

    def array(self, a, grad=False):
        if self.name == "torch":
            t = torch.tensor(np.asarray(a, dtype=np.float64))
            return t.requires_grad_(grad)
        return np.array(a, dtype=np.float64)

    def numpy(self, a):
        if self.name == "torch" and isinstance(a, torch.Tensor):
            return a.detach().cpu().double().numpy()
        return np.asarray(a, dtype=np.float64)

    def is_array(self, a):
        return isinstance(a, np.ndarray) or (torch is not None and isinstance(a, torch.Tensor))

    def stack(self, items):
        return torch.stack(items) if self.name == "torch" else np.stack(items)

    def xp(self):
        return torch if self.name == "torch" else np


# ---- data layouts: how x_t and states are shaped for the user's code ------------------------

LAYOUTS = {
    # name: (batch size used, x_t from canonical (B, E), canonical (B, H) from a state)
    "row": "x_t (B, E), states (B, H)",
    "vec": "x_t (E,), states (H,)",
    "col1": "x_t (E, 1), states (H, 1)",
    "col": "x_t (E, B), states (H, B)",
}


def to_layout(layout, a):
    if layout == "row":
        return a
    if layout == "vec":
        return a[0]
    return a.T


def from_layout(layout, a, B, H):
    """A state in the layout as canonical (B, H), or None when its shape is not a state's."""
    shape = tuple(a.shape)
    if layout == "row" and shape in ((B, H),):
        return a
    if layout == "vec" and shape == (H,):
        return a[None, :]
    if layout in ("col", "col1") and shape == (H, B):
        return a.T
    return None


def layout_batch(layout, B):
    return 1 if layout in ("vec", "col1") else B


def flatten(value):
    if isinstance(value, (tuple, list)):
        out = []
        for v in value:
            out.extend(flatten(v))
        return out
    return [value]


# ---- the parameters of the callable ---------------------------------------------------------


def role_of_parameter(p, kind, first):
    name = p.name
    if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
        return "skip"
    if p.default is not p.empty:
        if isinstance(p.default, bool) and "forget" in name.lower():
            return "forget-flag"
        if _H.match(name) or _STATE_TUPLE.match(name):
            return "state" if _STATE_TUPLE.match(name) else "h"
        if _C.match(name):
            return "c"
        return "skip"
    if _STATE_TUPLE.match(name):
        return "state"
    if _C.match(name) and kind.startswith("lstm"):
        return "c"
    if _H.match(name):
        return "h"
    if first:
        return "x"
    if re.match(r"^(hidden_?size|h_?size|n_?hidden|hidden_?sz|hidden_?dim)$", name, re.I):
        return "H"
    if re.match(r"^(input_?size|e_?size|n_?in|input_?sz|input_?dim|emb_?size)$", name, re.I):
        return "E"
    if _WEIGHT.match(name):
        return "weight"
    return "unknown"


def weight_role(name, kind):
    """(role, gate) of a function's weight parameter from its name: x / h / bias."""
    stem = re.sub(r"[^A-Za-z]", "", name)
    low = stem.lower()
    gates = set(ref.gates_of(kind)) | ({"c"} if kind.startswith("lstm") else {"h"} if kind == "gru" else set())
    if low.startswith("b"):  # b, b_i, bh, bias, bias_hh
        return "bias", low
    rest = re.sub(r"^(weight|w|u|r|v)", "", low)
    prefix = low[: len(low) - len(rest)]
    if len(rest) == 1 and rest in gates:
        return ("h" if prefix in ("u", "r", "v") else "x"), rest
    if prefix in ("u", "r", "v"):
        return "h", rest
    if rest.startswith(("i", "x")):
        return "x", rest
    if rest.startswith("h"):
        return "h", rest
    return "x", rest


class Callable:
    """How to call the user's cell once its layout is known."""

    def __init__(self, fn, params, kind, E, H, lib, seq, filename):
        self.fn = fn
        self.params = params  # [(inspect.Parameter, role)]
        self.kind = kind
        self.E, self.H = E, H
        self.lib = lib
        self.seq = seq
        self.filename = filename
        self.layout = None
        self.batch_first = True
        self.weights = {}  # name -> array in the layout's shapes (functions)
        self.flags = {}
        self.flag_attributes = {}  # role -> (instance, attribute): a switch the constructor stored, set before each call
        self.globals_proxy = None

    def roles(self, role):
        return [p.name for p, r in self.params if r == role] + [name for _, name in self.flag_attributes.get(role, [])]

    def _state_args(self, h, c):
        args = {}
        for p, role in self.params:
            if role == "h":
                args[p.name] = h
            elif role == "c":
                args[p.name] = c
            elif role == "state":
                args[p.name] = (h, c) if self.kind.startswith("lstm") and not self.roles("c") else h
        return args

    def has_state(self):
        return any(r in ("h", "state") for _, r in self.params)

    def _args(self, x, h, c):
        args = {}
        for p, role in self.params:
            if role == "x":
                args[p.name] = x
            elif role == "weight":
                args[p.name] = self.weights[p.name]
            elif role == "H":
                args[p.name] = self.H
            elif role == "E":
                args[p.name] = self.E
            elif role == "forget-flag" and role in self.flags:
                args[p.name] = self.flags[role]
        for role, attributes in self.flag_attributes.items():
            for instance, name in attributes:
                if role in self.flags:
                    setattr(instance, name, self.flags[role])
        args.update(self._state_args(h, c))
        if self.globals_proxy is not None:
            self.globals_proxy.__dict__.update(args)
        return args

    def _call(self, args):
        positional, keywords, gap = [], {}, False
        for p, role in self.params:
            if p.name not in args:
                gap = True
            elif p.kind == p.KEYWORD_ONLY or gap:
                keywords[p.name] = args[p.name]
            else:
                positional.append(args[p.name])
        return self.fn(*positional, **keywords)

    def run(self, xs, h0, c0, on_step=None):
        """xs canonical (T, B, E); h0, c0 canonical (B, H) in the cell's library.
        Returns T canonical (B, H) states (None entries when the output shows no sequence)."""
        L, H = self.layout, self.H
        B = layout_batch(L, xs.shape[1])
        T = xs.shape[0]
        xs = xs[:, :B]
        h = to_layout(L, h0[:B])
        c = None if c0 is None else to_layout(L, c0[:B])
        if not self.seq:
            out = []
            for t in range(T):
                if on_step:
                    on_step(t)
                result = self._call(self._args(to_layout(L, xs[t]), h, c))
                h, c = self._parse_step(result, B)
                out.append(from_layout(L, h, B, H))
            return out
        if L == "row":
            x = xs.permute(1, 0, 2) if (self.lib.name == "torch" and self.batch_first) else (xs.transpose(1, 0, 2) if self.batch_first else xs)
        else:
            x = self.lib.stack([to_layout(L, xs[t]) for t in range(T)])
        result = self._call(self._args(x, h, c))
        return self._parse_seq(result, B, T)

    def _parse_step(self, result, B):
        states = [a for a in flatten(result) if self.lib.is_array(a) and from_layout(self.layout, a, B, self.H) is not None]
        need = 2 if self.kind.startswith("lstm") else 1
        if len(states) < need:
            shapes = [tuple(a.shape) if self.lib.is_array(a) else type(a).__name__ for a in flatten(result)]
            raise CallError("expected the step to return %s with %s, got %s" % ("(h, c)" if need == 2 else "h", LAYOUTS[self.layout], shapes))
        return states[0], (states[1] if need == 2 else None)

    def _parse_seq(self, result, B, T):
        if isinstance(result, dict) and all(t in result for t in range(T)):
            result = [result[t] for t in range(T)]  # hs = {}; hs[t] = ... (min-char-rnn)
        for a in flatten(result) if not _is_state_list(result, self, B) else [result]:
            seq = _as_sequence(a, self, B, T)
            if seq is not None:
                return seq
        # Lists of states (hidden_seq.append(h)) are found inside tuples too.
        if isinstance(result, (tuple, list)):
            for part in result:
                if isinstance(part, (tuple, list)) and len(part) == T:
                    seq = _as_sequence(part, self, B, T)
                    if seq is not None:
                        return seq
        return [None] * T


def _is_state_list(result, c, B):
    return isinstance(result, list) and result and all(c.lib.is_array(a) and from_layout(c.layout, a, B, c.H) is not None for a in result)


def _as_sequence(a, c, B, T):
    H, L = c.H, c.layout
    if isinstance(a, (list, tuple)):
        if len(a) == T and all(c.lib.is_array(s) for s in a):
            states = [from_layout(L, s, B, H) if from_layout(L, s, B, H) is not None else from_layout(L, s.reshape(s.shape[-2:]) if s.ndim == 3 else s, B, H) for s in a]
            if all(s is not None for s in states):
                return states
        return None
    if not c.lib.is_array(a):
        return None
    shape = tuple(a.shape)
    if L == "row":
        if shape == (B, T, H):
            return [a[:, t] for t in range(T)]
        if shape == (T, B, H):
            return [a[t] for t in range(T)]
    elif L == "vec" and shape == (T, H):
        return [a[t][None, :] for t in range(T)]
    elif shape == (T, H, B):
        return [a[t].T for t in range(T)]
    return None


def describe_signature(fn):
    owner = getattr(fn, "__self__", None)  # a bound method, maybe inherited: name the cell's own class
    name = "%s.%s" % (type(owner).__name__, fn.__name__) if owner is not None and not inspect.isclass(owner) else getattr(fn, "__qualname__", getattr(fn, "__name__", "cell"))
    try:
        return "%s%s" % (name, inspect.signature(fn))
    except (TypeError, ValueError):
        return getattr(fn, "__name__", "cell")


# ---- building the callable ------------------------------------------------------------------


def constructor_args(cls, E, H):
    """Keyword arguments for cls(...): the input and hidden sizes, by parameter name."""
    try:
        sig = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return {}
    params = [p for p in list(sig.parameters.values())[1:] if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    args, unknown = {}, []
    for p in params:
        if _HIDDEN.search(p.name):
            args[p.name] = H
        elif _INPUT.search(p.name):
            args[p.name] = E
        elif p.default is p.empty:
            unknown.append(p.name)
    if unknown:
        if len(unknown) == 2 and not args:
            return {unknown[0]: E, unknown[1]: H}
        raise CallError("expected %s(input_size, hidden_size); found %s%s and cannot tell what to pass for %s" % (cls.__name__, cls.__name__, str(sig).replace("(self, ", "(").replace("(self)", "()"), ", ".join(unknown)))
    return args


def forget_flag_attributes(cls, instance):
    """[(instance, attribute)] holding a forget-gate switch the constructor took (a bool parameter
    with "forget" in its name, e.g. use_forget_gate=True) and stored on the instance under a name
    with "forget" in it, so the check can turn the forget gate off as the constructor would."""
    try:
        sig = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return []
    defaults = [p.default for p in sig.parameters.values() if isinstance(p.default, bool) and "forget" in p.name.lower()]
    if not defaults:
        return []
    return [(instance, n) for n, v in vars(instance).items() if "forget" in n.lower() and isinstance(v, bool) and v == defaults[0]]


class ClassWeights:
    """The weights of an instance: torch parameters, or numpy float arrays among its attributes."""

    def __init__(self, obj, lib):
        self.obj, self.lib = obj, lib

    def items(self):
        if self.lib.name == "torch":
            return [(n, p.detach().double().numpy().copy()) for n, p in self.obj.named_parameters()]
        out = []
        for n, v in vars(self.obj).items():
            if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                out.append((n, v))
            elif isinstance(v, dict):
                out.extend(("%s.%s" % (n, k), a) for k, a in v.items() if isinstance(a, np.ndarray) and a.dtype.kind == "f")
        return out

    def set(self, name, value):
        if self.lib.name == "torch":
            p = dict(self.obj.named_parameters())[name]
            with torch.no_grad():
                p.copy_(torch.tensor(value).reshape(p.shape))
            return
        if "." in name and isinstance(getattr(self.obj, name.split(".")[0], None), dict):
            holder, key = name.split(".", 1)
            d = getattr(self.obj, holder)
            d[key] = np.array(value, dtype=np.float64).reshape(d[key].shape)
        else:
            setattr(self.obj, name, np.array(value, dtype=np.float64).reshape(getattr(self.obj, name).shape))


class FunctionWeights:
    """The weights LSTM Lab creates for a step function, by parameter name."""

    def __init__(self, callable_):
        self.c = callable_

    def items(self):
        return [(n, self.c.lib.numpy(v)) for n, v in self.c.weights.items()]

    def set(self, name, value):
        old = self.c.weights[name]
        self.c.weights[name] = self.c.lib.array(np.asarray(value).reshape(tuple(old.shape)))


def function_weight_shapes(callable_, layout, orient, fused):
    """{name: shape} for a function's weights under one layout and orientation."""
    E, H, kind = callable_.E, callable_.H, callable_.kind
    width = ref.fused_k(kind) * H if fused else H
    shapes = {}
    for name in callable_.roles("weight"):
        role, _ = weight_role(name, kind)
        if role == "bias":
            shapes[name] = (width, 1) if (layout.startswith("col") and orient == "T") else (width,)
        else:
            n_in = E if role == "x" else H
            shapes[name] = (n_in, width) if orient == "row" else (width, n_in)
    return shapes


def init_weights(shapes, rng, scheme):
    """'uniform': U(-1/sqrt(H), 1/sqrt(H)) everywhere, biases too (the check: every weight
    matters); 'xavier': xavier-uniform matrices and zero biases (the notebook's init)."""
    out = {}
    for name, shape in shapes.items():
        if scheme == "xavier" and (len(shape) < 2 or 1 in shape):
            out[name] = np.zeros(shape)
        elif scheme == "xavier":
            bound = np.sqrt(6.0 / (shape[0] + shape[1]))
            out[name] = rng.uniform(-bound, bound, shape)
        else:
            k = 1.0 / np.sqrt(max(shape))
            out[name] = rng.uniform(-k, k, shape)
    return out


def trial_plan(lib, is_class, seq):
    if lib.name == "torch":
        layouts = [("row", "row"), ("row", "T"), ("vec", "T"), ("vec", "row")]
    else:
        layouts = [("vec", "T"), ("col1", "T"), ("col", "T"), ("row", "row"), ("vec", "row"), ("row", "T"), ("col1", "row")]
    if is_class:
        seen, plan = set(), []
        for layout, _ in layouts:
            if layout not in seen:
                seen.add(layout)
                plan.append((layout, None))
        layouts = plan
    out = []
    for layout, orient in layouts:
        for bf in ([True, False] if (seq and layout == "row") else [True]):
            out.append((layout, orient, bf))
    return out


def make_callable(namespace, target, unit, kind, fused, E, H, lib, seq, rng, captures, proxy=None, step_method=None):
    """Instantiates a class or wraps a function, then finds the layout that works by running
    two steps. `captures` (the instrumented cell's recorder) tells whether h_t was seen per step
    when the call returns no sequence. A class whose gates sit in a loop-free `step_method` but
    is called through another method (its own or an inherited forward) is tried first with the
    whole sequence, then per step. Returns (callable, weights accessor)."""
    obj = namespace[target.name]
    if inspect.isclass(obj):
        try:
            instance = obj(**constructor_args(obj, E, H))
        except CallError:
            raise
        except Exception as e:
            raise UserError("%s: %s (building %s(input_size=%d, hidden_size=%d))" % (type(e).__name__, e, obj.__name__, E, H), user_line(e, unit.filename), traceback.format_exc()) from e
        if lib.name == "torch" and isinstance(instance, torch.nn.Module):
            instance = instance.double()
            fn = instance
            method = instance.forward
        else:
            fn = method = _numpy_method(instance, target)
        weights = ClassWeights(instance, lib)
        for name, value in weights.items():
            weights.set(name, np.asarray(value, dtype=np.float64))
    else:
        fn = method = obj
        weights = None
    sig = inspect.signature(method)
    params = list(sig.parameters.values())
    roles = [(p, role_of_parameter(p, kind, k == 0)) for k, p in enumerate(params)]
    unknown = [p.name for p, r in roles if r == "unknown"]
    if unknown:
        raise CallError("cannot tell what to pass for %s in %s: expected the input (x), states (h, c or hidden), weights (W_*, U_*, b_*, weight_*, bias_*), sizes (hidden_size) or flags with defaults" % (", ".join(unknown), describe_signature(method)))
    if not any(r == "x" for _, r in roles):
        raise CallError("expected %s to take the input x first; found %s" % (target.name, describe_signature(method)))
    driven = not seq and step_method is not None and getattr(method, "__name__", None) != step_method
    callable_ = Callable(fn, roles, kind, E, H, lib, seq, unit.filename)
    callable_.globals_proxy = proxy
    if inspect.isclass(obj) and kind.startswith("lstm"):
        attributes = forget_flag_attributes(obj, instance)
        if attributes:
            callable_.flag_attributes["forget-flag"] = attributes
    if weights is None:
        weights = FunctionWeights(callable_)
    tried = []
    B, T = 3, 2
    plans = [(True, t) for t in trial_plan(lib, inspect.isclass(obj), True)] if driven else []
    plans += [(seq, t) for t in trial_plan(lib, inspect.isclass(obj), seq)]
    for mode, (layout, orient, bf) in plans:
        callable_.seq = mode
        captures.count_calls = mode and not seq
        callable_.layout, callable_.batch_first = layout, bf
        if orient is not None:
            callable_.weights = {n: lib.array(v) for n, v in init_weights(function_weight_shapes(callable_, layout, orient, fused), rng, "uniform").items()}
        xs = lib.array(rng.standard_normal((T, B, E)))
        h0 = lib.array(rng.standard_normal((B, H)) * 0.5)
        c0 = lib.array(rng.standard_normal((B, H)) * 0.5) if kind.startswith("lstm") else None
        captures.reset(True)
        try:
            states = callable_.run(xs, h0, c0, None if mode else (lambda t: setattr(captures, "step", t)))
            if any(s is None for s in states) and captures.h_count() < T:
                raise CallError("the call returned no sequence of hidden states (%s) and no h_t was seen per step" % LAYOUTS[layout])
            return callable_, weights
        except Exception as e:  # every failed layout is reported if none works
            where = user_line(e, unit.filename)
            tried.append((layout, orient, bf, "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else ""), where, e))
    first = tried[0]
    lines = "; ".join("%s%s%s → %s%s" % (LAYOUTS[l], "" if o is None else ", weights %s" % ("x @ W" if o == "row" else "W @ x"), "" if bf else ", sequence first", msg, " (line %d)" % w if w else "") for l, o, bf, msg, w, _ in tried[:4])
    # The same exception on the same line whatever the layout: the cell's own error, not ours.
    if isinstance(first[5], NameError) or (len({(t[3], t[4]) for t in tried}) == 1 and not isinstance(first[5], CallError)):
        raise UserError(first[3], first[4], "".join(traceback.format_exception(type(first[5]), first[5], first[5].__traceback__)))
    raise CallError("could not call %s with E=%d, H=%d: tried %s" % (describe_signature(method), E, H, lines), first[4])


def _numpy_method(instance, target):
    """The method that computes the step: forward/__call__/step if defined, else the one holding the gates."""
    import ast

    names = [n.name for n in target.body if isinstance(n, ast.FunctionDef)]
    for preferred in ("forward", "__call__", "step", "cell", "call"):
        if preferred in names:
            return getattr(instance, preferred)
    others = [n for n in names if n != "__init__" and not n.startswith("_")]
    if len(others) == 1:
        return getattr(instance, others[0])
    raise CallError("expected %s to have a forward, __call__ or step method; found %s" % (type(instance).__name__, ", ".join(names) or "no methods"))

"""Loads only what one cell needs, with Python's own ast: the imports and the definitions it
references, transitively, from its own file or the notebook cells before it. No other
statement runs (no training loops, no downloads, no `lstm = NaiveLSTM(...)`).

The cell itself is compiled from an instrumented copy of its AST: after every assignment on a
line the detector gave for a gate, a call records the value (gate, line, variable); at the top
of the loop that steps through time a call advances the step counter. Line numbers are the
user's, so tracebacks point at their lines."""

import ast
import builtins
import re
import symtable

CAPTURE = "__lstm_lab_capture__"
TICK = "__lstm_lab_tick__"
STEP_CALL = "__lstm_lab_step_call__"  # entry of a step method that another method loops over

# IPython magics and shell escapes are not Python: blank them (keeping line numbers).
_MAGIC = re.compile(r"^\s*(%|!|\?)")


class LoadError(Exception):
    """Something the user must change; `line`/`unit` say where when known."""

    def __init__(self, message, line=None, unit=None):
        super().__init__(message)
        self.line = line
        self.unit = unit


def parse_unit(code, filename):
    lines = code.split("\n")
    cleaned = "\n".join("" if _MAGIC.match(line) else line for line in lines)
    return ast.parse(cleaned, filename=filename)


def _bound_names(stmt):
    """Names a top-level statement binds, for the statements we are willing to run."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Import):
        return [a.asname or a.name.split(".")[0] for a in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [a.asname or a.name for a in stmt.names if a.name != "*"]
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _is_plain_constant(stmt):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return [t.id for t in targets if isinstance(t, ast.Name)]
    return []


def _is_plain_constant(stmt):
    """`H = 125`, `SIZES = (50, 125)`: no calls, so running it has no effect beyond the name."""
    value = stmt.value
    if value is None:
        return False
    allowed = (ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp, ast.operator, ast.unaryop, ast.Load, ast.Name)
    return all(isinstance(n, allowed) for n in ast.walk(value)) and not isinstance(value, ast.Name)


def _is_star_import(stmt):
    return isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names)


def referenced_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def free_names(stmt):
    """The global names a top-level statement reads (symtable: a method's local h_t is not one)."""
    try:
        table = symtable.symtable(ast.unparse(stmt), "<cell>", "exec")
    except SyntaxError:
        return referenced_names(stmt)
    names = set()

    def walk(t, top):
        for sym in t.get_symbols():
            if sym.is_referenced() and (top or sym.is_global()):
                names.add(sym.get_name())
        for child in t.get_children():
            walk(child, False)

    walk(table, True)
    return names


class Unit:
    """One source: a .py file, or one notebook code cell (`cell_index` set)."""

    def __init__(self, code, filename, cell_index=None):
        self.code = code
        self.filename = filename
        self.cell_index = cell_index
        self.tree = None
        self.syntax_error = None
        try:
            self.tree = parse_unit(code, filename)
        except SyntaxError as e:
            self.syntax_error = e


def find_target(unit, name):
    if unit.syntax_error is not None:
        e = unit.syntax_error
        raise LoadError("syntax error: %s" % e.msg, e.lineno, unit)
    found = None
    for stmt in unit.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) and stmt.name == name:
            found = stmt
    if found is None:
        if name == "<module>":
            raise LoadError("the cell is top-level code, which LSTM Lab does not run (it runs only imports and definitions): put the step in a function or an nn.Module class to check it", None, unit)
        raise LoadError("no top-level class or function named %s" % name, None, unit)
    return found


def needed_statements(units, target_unit, target):
    """Statements to run before the target: the closure of the names it reads. Earlier units
    (notebook cells before the target's) and the whole target unit count; later cells do not."""
    bindings = {}  # name -> (order, unit, stmt); later statements win, as when run in order
    stars = []
    order = 0
    for unit in units:
        if unit.tree is None:
            continue
        for stmt in unit.tree.body:
            order += 1
            if stmt is target:
                continue
            if _is_star_import(stmt):
                stars.append((order, unit, stmt))
            for n in _bound_names(stmt):
                bindings[n] = (order, unit, stmt)
        if unit is target_unit:
            break
    chosen = {}
    unresolved = set()
    pending = list(free_names(target))
    seen = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in bindings:
            entry = bindings[name]
            if id(entry[2]) not in chosen:
                chosen[id(entry[2])] = entry
                pending.extend(free_names(entry[2]))
        elif not hasattr(builtins, name):
            unresolved.add(name)
    # `from typing import *` may provide what nothing else binds (Optional, Tuple, ...).
    if unresolved:
        for entry in stars:
            chosen[id(entry[2])] = entry
    return [(u, s) for (_, u, s) in sorted(chosen.values(), key=lambda e: e[0])]


def _gate_of_name(name):
    n = name.lower().lstrip("_")
    words = {
        "i": ("ingate", "input_gate", "inputgate", "igate"),
        "f": ("forgetgate", "forget_gate", "fgate", "forget"),
        "g": ("cellgate", "cell_gate", "candidate", "c_tilde", "c_hat", "g", "gt", "g_t", "ctilde", "chat", "cand"),
        "o": ("outgate", "output_gate", "outputgate", "ogate"),
        "c": ("c", "c_t", "ct", "cy", "c_next", "next_c", "c_new", "cell", "cell_state", "c_1"),
        "h": ("h", "h_t", "ht", "hy", "h_next", "next_h", "h_new", "hidden", "h_1", "out", "output"),
        "r": ("resetgate", "reset_gate", "r", "r_t", "rt"),
        "z": ("updategate", "update_gate", "inputgate", "z", "z_t", "zt"),
        "n": ("newgate", "new_gate", "n", "n_t", "nt", "h_tilde", "h_hat", "htilde", "hh"),
    }
    for gate, names in words.items():
        if n in names:
            return gate
    m = re.match(r"^([ifgoczrn])(_t|t)?$", n)
    return m.group(1) if m else None


def _target_names(target):
    if isinstance(target, ast.Name):
        return [(target, target)]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [(t, t) for t in target.elts if isinstance(t, ast.Name)]
    return []


class _Instrument:
    """Adds capture calls after gate assignments and a tick at the top of the time loop."""

    def __init__(self, gate_lines, loop_lines):
        self.gate_lines = gate_lines  # line -> set of gates
        self.loop_lines = loop_lines  # first lines of loops to tick
        self.captures = []  # (line, var, gate) planned, for docs/tests

    def _gates_for(self, stmt):
        span = range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)
        return set().union(*(self.gate_lines.get(l, set()) for l in span))

    def _captures(self, stmt):
        gates = self._gates_for(stmt)
        if not gates:
            return []
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names = [n for t in targets for (n, _) in _target_names(t)]
        calls = []
        # hs[t] = tanh(...): the stored element is the gate's value (one gate on the line only).
        subscripts = [t for t in targets if isinstance(t, ast.Subscript)]
        if subscripts and not names and len(gates) == 1:
            gate = next(iter(gates))
            load = ast.fix_missing_locations(ast.copy_location(ast.Subscript(subscripts[0].value, subscripts[0].slice, ast.Load()), subscripts[0]))
            text = ast.unparse(subscripts[0])
            self.captures.append((stmt.lineno, text, gate))
            call = ast.Expr(ast.Call(ast.Name(CAPTURE, ast.Load()), [ast.Constant(gate), ast.Constant(stmt.lineno), ast.Constant(text), load], []))
            return [ast.copy_location(call, stmt)]
        for position, name_node in enumerate(names):
            gate = _gate_of_name(name_node.id)
            if gate is None or gate not in gates:
                if len(names) == 1 and len(gates) == 1:
                    gate = next(iter(gates))
                else:
                    continue
            line = name_node.lineno
            value = stmt.value
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(names):
                line = value.elts[position].lineno
            self.captures.append((line, name_node.id, gate))
            call = ast.Expr(ast.Call(ast.Name(CAPTURE, ast.Load()), [ast.Constant(gate), ast.Constant(line), ast.Constant(name_node.id), ast.Name(name_node.id, ast.Load())], []))
            calls.append(ast.copy_location(call, stmt))
        return calls

    def body(self, block):
        out = []
        for stmt in block:
            self.children(stmt)
            out.append(stmt)
            if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                out.extend(self._captures(stmt))
        return out

    def children(self, stmt):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(stmt, field, self.body(block))
        for handler in getattr(stmt, "handlers", None) or []:
            handler.body = self.body(handler.body)
        if isinstance(stmt, (ast.For, ast.While)) and stmt.lineno in self.loop_lines:
            tick = ast.copy_location(ast.Expr(ast.Call(ast.Name(TICK, ast.Load()), [], [])), stmt)
            stmt.body.insert(0, tick)


def _time_loops(target, gate_lines):
    """The innermost for/while loops holding gate lines: one iteration is one time step."""
    lines = set(gate_lines)
    loops = []
    for node in ast.walk(target):
        if isinstance(node, (ast.For, ast.While)):
            inner = [n for n in ast.walk(node) if n is not node and isinstance(n, (ast.For, ast.While))]
            span = set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            if span & lines and not any(set(range(n.lineno, (n.end_lineno or n.lineno) + 1)) & lines for n in inner):
                loops.append(node.lineno)
    return loops


def _step_method(target, gate_lines):
    """A class whose gates sit in one method with no loop (`step`), called per time step by a
    forward that may be its own or inherited: that method's name, else None."""
    if not isinstance(target, ast.ClassDef):
        return None
    lines = set(gate_lines)
    holders = [n for n in target.body if isinstance(n, ast.FunctionDef) and set(range(n.lineno, (n.end_lineno or n.lineno) + 1)) & lines]
    return holders[0].name if len(holders) == 1 else None


def instrumented(target, gates):
    """A copy of the target's AST with capture and tick calls; returns (tree, has_time_loop,
    step_method): step_method is the gate method of a class without a time loop, which counts
    its own calls as steps (STEP_CALL at its entry) when another method drives it."""
    import copy

    gate_lines = {}
    for gate, lines in gates.items():
        for line in lines:
            gate_lines.setdefault(line, set()).add(gate)
    loops = _time_loops(target, gate_lines.keys())
    tree = copy.deepcopy(target)
    _Instrument(gate_lines, set(loops)).children(tree)
    step_method = None if loops else _step_method(tree, gate_lines.keys())
    if step_method:
        fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == step_method)
        fn.body.insert(0, ast.copy_location(ast.Expr(ast.Call(ast.Name(STEP_CALL, ast.Load()), [], [])), fn.body[0]))
    ast.fix_missing_locations(tree)
    return tree, bool(loops), step_method


def unbound_globals(target, unit, namespace):
    """Globals the target's functions read that nothing loaded defines: {name: first line}."""
    source = ast.unparse(target)
    # symtable needs source text; line numbers are re-found in the original AST.
    table = symtable.symtable(source, unit.filename, "exec")
    names = set()

    def walk(t):
        if t.get_type() == "function":
            for sym in t.get_symbols():
                if sym.is_global() and sym.is_referenced():
                    names.add(sym.get_name())
        for child in t.get_children():
            walk(child)

    walk(table)
    missing = {}
    for node in ast.walk(target):
        if isinstance(node, ast.Name) and node.id in names and node.id not in namespace and not hasattr(builtins, node.id):
            line = node.lineno
            if node.id not in missing or line < missing[node.id]:
                missing[node.id] = line
    return missing


def attribute_uses(target, name):
    """`lstm.b_i` style uses of a global: [(attribute, line)]."""
    out = []
    for node in ast.walk(target):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
            out.append((node.attr, node.lineno))
    return sorted(out, key=lambda a: a[1])


def load(units, target_unit, name, gates, namespace_extra):
    """Runs the needed statements and defines the instrumented target in a fresh namespace.
    Returns (namespace, target_ast, has_time_loop, step_method) (see instrumented)."""
    target = find_target(target_unit, name)
    namespace = {"__name__": "__lstm_lab_cell__", "__builtins__": builtins}
    namespace.update(namespace_extra)
    for unit, stmt in needed_statements(units, target_unit, target):
        code = compile(ast.Module(body=[stmt], type_ignores=[]), unit.filename, "exec")
        try:
            exec(code, namespace)
        except Exception as e:  # an import that fails, a class body that raises
            raise LoadError("%s: %s (while loading line %d, which the cell needs)" % (type(e).__name__, e, stmt.lineno), stmt.lineno, unit) from e
    tree, has_loop, step_method = instrumented(target, gates)
    exec(compile(ast.Module(body=[tree], type_ignores=[]), target_unit.filename, "exec"), namespace)
    return namespace, target, has_loop, step_method

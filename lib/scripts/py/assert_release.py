import ast, codecs, hashlib, io, os, re, sys, tokenize
# The one definition of the release assertions (version, orchestrator/,
# kill-switch). The operator's machine runs it on a clean copy of the pinned
# commit at review time; the host runs it on the deployed tree. Kill-switch:
# cutter_agent/config.py binds execution_enabled (plain or annotated, e.g.
# `execution_enabled: bool = False`) only to the literal False, at least once;
# no .py file anywhere binds it to anything else, in any form the grammar has
# (assignment of any kind, loop, with, comprehension or except target, del,
# def, class, parameter, keyword, import other than reading it from
# cutter_agent.config, match capture, dict key, setattr/__setattr__/delattr
# with the name, the name followed by a value other than False as a call's
# arguments or in a tuple or list (operator.setitem, setdefault, dict() of
# pairs), exec/eval of literal code); a setattr-like call, namespace
# entry or exec/eval whose name or code is computed at run time is refused
# (it cannot be read).
# Every file is read as the interpreter reads it: bytes, so that a BOM or
# coding declaration means here what it means to python. A declaration of any
# encoding but UTF-8 is refused: under utf-7, for one, text that a UTF-8 reader
# sees inside a string literal is code to the interpreter.
#   ROOT VERSION                   parse every .py (review, O7, guards)
#   ROOT VERSION --cache CACHE KEY the swap: a .py file other than config.py
#                                  whose exact bytes (sha256) an earlier full
#                                  pass under the same KEY (this helper's pin)
#                                  and interpreter found clean is not parsed
#                                  again; CACHE (argument 4) is rewritten with
#                                  this tree's clean files only when every
#                                  assertion passed. Verdicts depend on bytes only.
#   ... KEY LISTING DIGEST         the same, with a file's sha256 taken from
#                                  LISTING (tree_digest.py --stage's lines of the
#                                  tree as it was written and hashed) when the
#                                  whole LISTING's sha256 is DIGEST (the
#                                  manifest's), each path is listed once and
#                                  every line is a digest line; else, or for a
#                                  path it does not list, the file is read. The
#                                  swap re-checks the tree against that record
#                                  right after.
root, want = sys.argv[1], sys.argv[2]
cache = sys.argv[4] if len(sys.argv) in (6, 8) and sys.argv[3] == "--cache" else None
key = "v1 %s %s" % (sys.argv[5], hashlib.sha256(sys.version.encode()).hexdigest()) if cache else None
known, clean = set(), set()
if cache:
    try:
        with open(cache) as fh:
            if fh.readline().rstrip("\n") == key:
                known = set(fh.read().split())
    except OSError:
        pass
def listed_digests(path, digest):
    # path -> sha256 from a listing whose bytes hash to digest; {} if it is absent, altered or not plainly one line per path.
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return {}
    if hashlib.sha256(data).hexdigest() != digest or not data.endswith(b"\n"):
        return {}
    out, seen = {}, set()
    for line in data[:-1].split(b"\n"):
        m = re.match(rb"f [0-7]{4} ([0-9a-f]{64}) (.+)\Z", line) or re.match(rb"l .* (.+)\Z", line)
        rel = m.group(m.lastindex) if m else None
        if rel is None or rel in seen:
            return {}
        seen.add(rel)
        if line.startswith(b"f "):
            out[rel] = m.group(1).decode()
    return out
listed = listed_digests(sys.argv[6], sys.argv[7]) if cache and len(sys.argv) == 8 else {}
problems = []
NAME = "execution_enabled"
def target_name(t):
    # the name a target binds: a variable, an attribute, or a subscript's literal key (obj.__dict__["NAME"])
    if isinstance(t, ast.Subscript):
        return const_str(t.slice)
    return t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else None
def const_str(v):
    return v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else None
def shown(v):
    if isinstance(v, ast.Constant):
        return '"%s"' % v.value if isinstance(v.value, str) else repr(v.value)
    u = getattr(ast, "unparse", None)
    return u(v) if u else type(v).__name__
def is_false(v):
    return isinstance(v, ast.Constant) and v.value is False
DYNAMIC_NS = ("globals", "locals", "vars")
SETATTRS = ("setattr", "__setattr__", "delattr", "__delattr__")
def namespace(v):
    # obj.__dict__, vars(...), globals(), locals(): a mapping whose keys are names
    return (isinstance(v, ast.Attribute) and v.attr == "__dict__") or (isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id in DYNAMIC_NS)
def resolve(module, level, pkg):
    # the absolute module an ImportFrom names, from the importing file's package (its path parts)
    if level == 0:
        return module or ""
    if level - 1 > len(pkg):
        return ""
    base = pkg[:len(pkg) - (level - 1)]
    return ".".join(base + (module.split(".") if module else []))
# Nodes that never bind a name themselves (what they contain is walked on its own).
PLAIN = frozenset(getattr(ast, n) for n in ("Constant", "Expr", "Load", "Store", "Del", "BinOp", "UnaryOp", "BoolOp", "Compare", "If", "Return", "Module", "Assign", "AnnAssign", "AugAssign", "Add", "Sub", "Mult", "And", "Or", "Not", "Eq", "NotEq", "Lt", "Gt", "Is", "IsNot", "In", "NotIn", "JoinedStr", "FormattedValue", "Set", "Pass", "Raise") if hasattr(ast, n))
def bindings(tree, name, pkg):
    # Every way Python source can give `name` a value, by the grammar: (target is a plain name, the value is the
    # literal False, what is shown) each; and what the check cannot read (a name computed at run time).
    out, unread, accounted = [], [], set()
    def pairs(items, what, where):
        for j in range(len(items) - 1):
            if const_str(items[j]) == name and not is_false(items[j + 1]):
                out.append((False, False, "%s: %s (%s)" % (what, shown(items[j + 1]), where)))
    nodes = list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if target_name(t) == name:
                    out.append((isinstance(t, ast.Name), is_false(node.value), shown(node.value)))
                    accounted.add(id(t))
        elif isinstance(node, ast.AnnAssign) and target_name(node.target) == name:
            accounted.add(id(node.target))
            if node.value is not None:
                out.append((isinstance(node.target, ast.Name), is_false(node.value), shown(node.value)))
    for node in nodes:
        if type(node) in PLAIN:
            continue
        where = "line %d" % getattr(node, "lineno", 0)
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)) and isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)) and id(node) not in accounted:
            if target_name(node) == name:
                # augmented, walrus, for/with/comprehension targets, unpacking, del
                out.append((False, False, "%s target (%s)" % ("a del" if isinstance(node.ctx, ast.Del) else "an assignment, loop or with", where)))
            elif isinstance(node, ast.Subscript) and namespace(node.value) and const_str(node.slice) is None:
                unread.append("a namespace entry whose name is computed at run time (%s)" % where)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            out.append((False, False, "a def or class (%s)" % where))
        elif isinstance(node, ast.arg) and node.arg == name:
            out.append((False, False, "a parameter (%s)" % where))
        elif isinstance(node, ast.keyword) and node.arg == name and not is_false(node.value):
            out.append((False, False, "%s=%s (%s)" % (name, shown(node.value), where)))
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if k is not None and const_str(k) == name and not is_false(v):
                    out.append((False, False, '"%s": %s (%s)' % (name, shown(v), where)))
        elif isinstance(node, ast.ExceptHandler) and node.name == name:
            out.append((False, False, "an except target (%s)" % where))
        elif isinstance(node, (getattr(ast, "MatchAs", ()), getattr(ast, "MatchStar", ()))) and node.name == name:
            out.append((False, False, "a match capture (%s)" % where))
        elif isinstance(node, getattr(ast, "MatchMapping", ())) and node.rest == name:
            out.append((False, False, "a match capture (%s)" % where))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if (a.asname or a.name.split(".")[0]) == name:
                    out.append((False, False, "an import (%s)" % where))
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                # `from cutter_agent.config import execution_enabled` (or relative) reads the switch: the one allowed import of it.
                if (a.asname or a.name) == name and not (a.name == name and resolve(node.module, node.level, pkg) == "cutter_agent.config"):
                    out.append((False, False, "an import (%s)" % where))
        elif isinstance(node, (ast.Tuple, ast.List)):
            pairs(node.elts, "a (name, value) pair", where)
        elif isinstance(node, ast.Call):
            f = node.func
            fn = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if fn not in SETATTRS:
                # The name, then a value, as a call's arguments: operator.setitem(vars(c), NAME, v), d.setdefault(NAME, v),
                # getattr(builtins, "set" + "attr")(c, NAME, v). A read's default other than False counts too.
                pairs(node.args, "%s(..., \"%s\", value)" % (fn or "a call", name), where)
            if fn in SETATTRS:
                # setattr(obj, NAME, v), X.setattr(obj, NAME, v) (monkeypatch), obj.__setattr__(NAME, v), object.__setattr__(obj, NAME, v)
                i = 0 if fn.startswith("__") and len(node.args) < 3 and not (fn == "__delattr__" and len(node.args) == 2) else 1
                arg = node.args[i] if len(node.args) > i else None
                dotted = const_str(node.args[0]) if fn == "setattr" and len(node.args) == 2 else None
                if dotted is not None and dotted.split(".")[-1] == name:
                    out.append((False, is_false(node.args[1]), "setattr(\"%s\", ...) (%s)" % (dotted, where)))
                elif arg is None or const_str(arg) is None:
                    if dotted is None:
                        unread.append("%s() with an attribute name computed at run time (%s)" % (fn, where))
                elif const_str(arg) == name:
                    val = node.args[i + 1] if fn.endswith("setattr") and len(node.args) > i + 1 else None
                    out.append((False, val is not None and is_false(val), "%s(...) (%s)" % (fn, where)))
            elif fn in ("exec", "eval") and isinstance(f, ast.Name):
                code = const_str(node.args[0]) if node.args else None
                try:
                    inner = ast.parse(code) if code is not None else None
                except (SyntaxError, ValueError):
                    inner = None
                if inner is None:
                    unread.append("%s() of code that is not a literal (%s)" % (fn, where))
                else:
                    o, u = bindings(inner, name, pkg)
                    out.extend((False, ok, "%s in %s() (%s)" % (v, fn, where)) for _, ok, v in o)
                    unread.extend(u)
    return out, unread
def read(path):
    with open(path, "rb") as fh:
        return fh.read()
def parse(raw, rel):
    try:
        enc = codecs.lookup(tokenize.detect_encoding(io.BytesIO(raw).readline)[0]).name
    except (SyntaxError, LookupError) as e:
        problems.append("KillSwitch: %s cannot be parsed (its coding declaration: %s)" % (rel, e))
        return None
    if enc not in ("utf-8", "utf-8-sig"):
        problems.append("KillSwitch: %s declares the source encoding %s; only UTF-8 is accepted, so that this check reads the file as python does: re-encode it as UTF-8 and drop the declaration" % (rel, enc))
        return None
    try:
        return ast.parse(raw, rel)
    except (SyntaxError, UnicodeDecodeError, ValueError) as e:
        problems.append("KillSwitch: %s cannot be parsed (%s)" % (rel, type(e).__name__))
        return None
init = os.path.join(root, "cutter_agent", "__init__.py")
tree = parse(read(init), "cutter_agent/__init__.py") if os.path.isfile(init) else None
vals = []  # the __version__ values, shown
if tree is not None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                if isinstance(t, ast.Name) and t.id == "__version__":
                    vals.append(shown(node.value))
if vals != ['"%s"' % want]:
    problems.append('ReleaseVersion: cutter_agent/__init__.py has __version__ = %s, expected "%s"' % (", ".join(vals) or "(none)", want))
orch = os.path.join(root, "cutter_agent", "orchestrator")
if not any(f.endswith(".py") for _, _, fs in os.walk(orch) for f in fs):
    problems.append("ReleaseOrchestrator: cutter_agent/orchestrator/ is missing (no .py file in it)")
cfg_rel = "cutter_agent/config.py"
def check(rel, path):
    # One .py file's kill-switch verdict: (its problems, the sha256 it is clean under, or None).
    # A verdict is only ever recorded for the sha256 of the bytes parsed here, never for a listed one.
    raw = read(path)
    h = hashlib.sha256(raw).hexdigest() if cache else None
    if rel != cfg_rel and h in known:
        return [], h
    n = len(problems)
    tree = parse(raw, rel)
    if tree is not None:
        b, unread = bindings(tree, NAME, os.path.dirname(rel).split(os.sep) if os.path.dirname(rel) else [])
        for u in unread:
            problems.append("KillSwitch: %s has %s: the check cannot tell whether it sets execution_enabled; write the name literally" % (rel, u))
        if rel == cfg_rel:
            if not b or not all(plain and false for plain, false, _ in b):
                problems.append("KillSwitch: %s must set execution_enabled = False (found: %s)" % (rel, ", ".join(v for _, _, v in b) or "no assignment"))
        elif any(not false for _, false, _ in b):
            problems.append("KillSwitch: %s assigns execution_enabled to something other than False: %s" % (rel, "; ".join(v for _, false, v in b if not false)))
    mine = problems[n:]
    del problems[n:]
    return mine, (h if cache and rel != cfg_rel and not mine and tree is not None else None)
jobs = []  # (path relative to the tree, path) of every .py file to read, in walk order
found_cfg = False
for d, dirs, files in os.walk(root):
    dirs[:] = sorted(x for x in dirs if x != "__pycache__" and not (d == root and x == ".git"))
    for f in sorted(files):
        if f.endswith(".py"):
            rel = f if d == root else os.path.join(d[len(root):].lstrip(os.sep), f)
            found_cfg = found_cfg or rel == cfg_rel
            h = listed.get(os.fsencode(rel)) if cache else None
            if rel != cfg_rel and h in known:
                clean.add(h)
            else:
                jobs.append((rel, os.path.join(d, f)))
for mine, h in fan_out(len(jobs), lambda i: check(*jobs[i])):
    problems.extend(mine)
    if h is not None:
        clean.add(h)
if not found_cfg:
    problems.append("KillSwitch: %s is missing" % cfg_rel)
if cache and not problems and clean != known:
    with open(cache + ".tmp", "w") as fh:
        fh.write(key + "\n" + "".join(x + "\n" for x in sorted(clean)))
    os.replace(cache + ".tmp", cache)
for p in problems:
    print("ASSERTION FAILED: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)

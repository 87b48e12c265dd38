import ast, codecs, hashlib, io, os, re, sys, tokenize
# The one definition of the release assertions (version, orchestrator/,
# kill-switch). The operator's machine runs it on a clean copy of the pinned
# commit at review time; the host runs it on the deployed tree. Kill-switch:
# cutter_agent/config.py binds execution_enabled (plain or annotated, e.g.
# `execution_enabled: bool = False`) only to the literal False, at least once;
# no .py file anywhere binds it (name, attribute, setattr) to anything else.
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
def names(t):
    if isinstance(t, ast.Name):
        return [t.id]
    if isinstance(t, ast.Attribute):
        return [t.attr]
    if isinstance(t, (ast.Tuple, ast.List)):
        return [n for e in t.elts for n in names(e)]
    if isinstance(t, ast.Starred):
        return names(t.value)
    return []
def shown(v):
    if isinstance(v, ast.Constant):
        return '"%s"' % v.value if isinstance(v.value, str) else repr(v.value)
    u = getattr(ast, "unparse", None)
    return u(v) if u else type(v).__name__
def is_false(v, t):
    return isinstance(t, (ast.Name, ast.Attribute)) and isinstance(v, ast.Constant) and v.value is False
def bindings(tree, name):
    # (target is a plain name, value is the literal False, the value shown) per binding
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if name in names(t):
                    out.append((isinstance(t, ast.Name), is_false(node.value, t), shown(node.value)))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if name in names(node.target):
                out.append((isinstance(node.target, ast.Name), is_false(node.value, node.target), shown(node.value)))
        elif isinstance(node, (ast.AugAssign, ast.NamedExpr)):
            if name in names(node.target):
                out.append((False, False, shown(node.value)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value == name:
                val = node.args[2] if len(node.args) == 3 else None
                out.append((False, isinstance(val, ast.Constant) and val.value is False, "setattr(...)"))
    return out
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
found_cfg = False
for d, dirs, files in os.walk(root):
    dirs[:] = sorted(x for x in dirs if x != "__pycache__" and not (d == root and x == ".git"))
    for f in sorted(files):
        if not f.endswith(".py"):
            continue
        rel = os.path.relpath(os.path.join(d, f), root)
        raw = None
        if rel == cfg_rel:
            found_cfg = True
        elif cache:
            # A verdict is only ever recorded for the sha256 of the bytes parsed here, never for a listed one.
            h = listed.get(os.fsencode(rel))
            if h not in known:
                raw = read(os.path.join(d, f))
                h = hashlib.sha256(raw).hexdigest()
            if h in known:
                clean.add(h)
                continue
        if raw is None:
            raw = read(os.path.join(d, f))
        n = len(problems)
        tree = parse(raw, rel)
        if tree is None:
            continue
        b = bindings(tree, NAME)
        if rel == cfg_rel:
            if not b or not all(plain and false for plain, false, _ in b):
                problems.append("KillSwitch: %s must set execution_enabled = False (found: %s)" % (rel, ", ".join(v for _, _, v in b) or "no assignment"))
        elif any(not false for _, false, _ in b):
            problems.append("KillSwitch: %s assigns execution_enabled to something other than False" % rel)
        elif cache and len(problems) == n:
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

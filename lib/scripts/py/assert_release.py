import ast, os, sys
root, want = sys.argv[1], sys.argv[2]
problems = []
def literal_assign(path, name):
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name) and t.id == name:
                    found.append(node.value)
        elif isinstance(node, ast.AnnAssign):
            # `execution_enabled: bool = False` is the same assignment
            if isinstance(node.target, ast.Name) and node.target.id == name:
                found.append(node.value)
    return found
init = os.path.join(root, "cutter_agent", "__init__.py")
vals = literal_assign(init, "__version__") if os.path.isfile(init) else []
if [getattr(v, "value", None) for v in vals] != [want]:
    problems.append("__version__ is not %s" % want)
if not os.path.isdir(os.path.join(root, "cutter_agent", "orchestrator")):
    problems.append("orchestrator/ is missing")
cfg = os.path.join(root, "cutter_agent", "config.py")
flags = literal_assign(cfg, "execution_enabled") if os.path.isfile(cfg) else []
if not flags or any(getattr(v, "value", None) is not False for v in flags):
    problems.append("execution_enabled is not False")
for p in problems:
    print("ASSERTION FAILED: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)

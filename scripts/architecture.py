"""Print architecture metrics of the project's own packages (stdlib only).

Usage: python3 scripts/architecture.py [ROOT]   (ROOT defaults to the repo root)

Meant to be run before and after a refactor so the numbers can be compared:
module count and size, import cycles, imports that go against LAYERS,
longest functions, and how much code reads untyped dicts by string key.
"""

import ast
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

# Bottom to top. A tuple is a layer of independent siblings (no imports between them).
LAYERS = ["model", "ocr", "extractors", "canonical", "outputs", "flows", "review", "cli"]
EXCLUDED = {"tests", "scripts", "bench", ".venv"}
# Old layout: the CLI lived inside flows, so judge it as the "cli" layer.
LAYER_OVERRIDES = {"flows.cli": "cli"}


def find_modules(root):
    """Map dotted module name -> Path, for every top-level package under root."""
    modules = {}
    for pkg in sorted(root.iterdir()):
        if pkg.name in EXCLUDED or pkg.name.startswith(".") or not (pkg / "__init__.py").is_file():
            continue
        for path in sorted(pkg.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def resolve(name, modules):
    """Longest prefix of a dotted name that is a project module (None if external)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return None


def import_targets(node, module, is_pkg):
    """Dotted names an Import/ImportFrom node may refer to (relative ones made absolute)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_pkg else module.split(".")[:-1]
        anchor = package[: len(package) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    # `from pkg import sub` imports module pkg.sub when it exists; resolve() falls back to pkg.
    return [f"{base}.{alias.name}" if base else alias.name for alias in node.names]


def walk(tree):
    """Yield (node, enclosing function stack) so imports can be tagged as in-function."""
    stack = [(tree, ())]
    while stack:
        node, funcs = stack.pop()
        yield node, funcs
        inner = (
            (*funcs, node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else funcs
        )
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def is_str(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def scan(root, modules):
    """One pass over every module: imports, function lengths, dict-by-key reads, lines."""
    imports, functions, dict_reads, lines = [], [], Counter(), 0
    for module, path in modules.items():
        source = path.read_text(encoding="utf-8")
        lines += len(source.splitlines())
        rel = path.relative_to(root).as_posix()
        is_pkg = path.name == "__init__.py"
        for node, funcs in walk(ast.parse(source, filename=rel)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = {resolve(t, modules) for t in import_targets(node, module, is_pkg)}
                for target in sorted(t for t in targets if t and t != module):
                    imports.append((module, target, f"{rel}:{node.lineno}", bool(funcs)))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = ".".join(f.name for f in (*funcs, node))
                functions.append((node.end_lineno - node.lineno + 1, name, f"{rel}:{node.lineno}"))
            elif (isinstance(node, ast.Subscript) and is_str(node.slice)) or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and node.args
                and is_str(node.args[0])
            ):
                dict_reads[rel] += 1
    return imports, functions, dict_reads, lines


def cycles(edges):
    """Strongly connected components with more than one node (Tarjan)."""
    graph = defaultdict(set)
    for src, dst in edges:
        graph[src].add(dst)
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def layer_of(module):
    """(layer name, rank) of a module; rank None means unlayered."""
    name = next(
        (
            layer
            for mod, layer in LAYER_OVERRIDES.items()
            if module == mod or module.startswith(mod + ".")
        ),
        module.split(".")[0],
    )
    for rank, layer in enumerate(LAYERS):
        if name == layer or (isinstance(layer, tuple) and name in layer):
            return name, rank
    return name, None


def is_upward(src, dst):
    (src_name, src_rank), (dst_name, dst_rank) = layer_of(src), layer_of(dst)
    if src_rank is None or dst_rank is None:
        return False
    return src_rank < dst_rank or (src_rank == dst_rank and src_name != dst_name)


def print_cycles(label, edges):
    found = cycles(edges)
    print(f"{label}: {len(found)}")
    for component in found:
        print("  - " + ", ".join(component))


def report(root):
    modules = find_modules(root)
    imports, functions, dict_reads, lines = scan(root, modules)
    packages = sorted({m.split(".")[0] for m in modules})

    print(f"== Size ({root})\npackages: {', '.join(packages)}")
    print(f"modules: {len(modules)}  lines: {lines}")

    in_func = sum(1 for *_, f in imports if f)
    module_edges = {(s, d) for s, d, _, _ in imports}
    print(
        f"\n== Import graph\nimports of project modules: {len(imports)} "
        f"({in_func} inside functions), distinct module edges: {len(module_edges)}"
    )
    print_cycles("module cycles (all imports)", module_edges)
    # Function-level imports are the usual way to dodge a cycle, so show what remains without them.
    print_cycles(
        "module cycles (module-level imports only)", {(s, d) for s, d, _, f in imports if not f}
    )
    pkg_edges = {(s.split(".")[0], d.split(".")[0]) for s, d in module_edges}
    pkg_edges = {(s, d) for s, d in pkg_edges if s != d}
    print("package edges: " + ", ".join(f"{s}->{d}" for s, d in sorted(pkg_edges)))
    print_cycles("package cycles", pkg_edges)

    print(f"\n== Upward imports (layers bottom->top: {LAYERS})")
    unlayered = sorted({layer_of(m)[0] for m in modules if layer_of(m)[1] is None})
    print("unlayered: " + (", ".join(unlayered) or "none"))
    upward = [i for i in imports if is_upward(i[0], i[1])]
    print(f"upward imports: {len(upward)}")
    for src, dst, where, in_function in sorted(upward, key=lambda i: i[2]):
        tag = "  (in function)" if in_function else ""
        print(f"  {where}: {src} [{layer_of(src)[0]}] -> {dst} [{layer_of(dst)[0]}]{tag}")

    functions.sort(key=lambda f: (-f[0], f[2]))
    median = statistics.median(f[0] for f in functions) if functions else 0
    print(f"\n== Functions: {len(functions)}, median length {median} lines; longest:")
    for length, name, where in functions[:10]:
        print(f"  {length:4d}  {name}  {where}")

    print(f'\n== Dict reads by string key (x["k"] and .get("k")): {sum(dict_reads.values())} total')
    for rel, count in dict_reads.most_common(10):
        print(f"  {count:4d}  {rel}")


if __name__ == "__main__":
    report(
        Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
    )

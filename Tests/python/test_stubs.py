"""The package layout and its type stubs: `import capstan` is the package folder with py.typed, and _capstan.pyi
names every public name of the extension, with each method's parameters in the order, with the defaults and the
keyword-only marker the compiled module really has (pybind11 writes its signatures into the docstrings)."""

import ast
import os
import re
import unittest

import capstan
import capstan._capstan as extension

PACKAGE = os.path.dirname(capstan.__file__)


def split_top_level(text: str) -> list:
    """'a: int, b: Optional[Dict[str, str]] = None' -> ['a: int', 'b: Optional[Dict[str, str]] = None']"""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def runtime_parameters(function) -> list:
    """[(name, default text or None), ..., ('*', None) where keyword-only starts], self left out."""
    first_line = function.__doc__.splitlines()[0]
    match = re.match(r"^\w+\((.*)\)( -> .*)?$", first_line)
    assert match, first_line
    result = []
    for part in split_top_level(match.group(1)):
        if part == "*":
            result.append(("*", None))
            continue
        name, _, default = part.partition("=")
        name = name.split(":")[0].strip()
        if name != "self":
            result.append((name, default.strip() or None))
    return result


def stub_parameters(node: ast.FunctionDef) -> list:
    args = node.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    result = [(a.arg, d) for a, d in zip(positional, defaults) if a.arg != "self"]
    if args.kwonlyargs:
        result.append(("*", None))
        result += list(zip((a.arg for a in args.kwonlyargs), args.kw_defaults))
    # Defaults as text pybind11 would print: None, 'flt', 4096, -1
    return [(n, None if d is None else repr(ast.literal_eval(d))) for n, d in result]


class StubTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(PACKAGE, "_capstan.pyi")) as f:
            cls.stub = ast.parse(f.read())

    def test_package_layout(self):
        self.assertEqual(os.path.basename(PACKAGE), "capstan")
        self.assertTrue(os.path.isfile(os.path.join(PACKAGE, "py.typed")))
        self.assertTrue(os.path.basename(extension.__file__).startswith("_capstan."))
        self.assertIs(capstan.StreamWriter, extension.StreamWriter)
        self.assertEqual(repr(capstan.StreamWriter), "<class 'capstan.StreamWriter'>")
        self.assertEqual(sorted(capstan.__all__), sorted(n for n in dir(extension) if not n.startswith("_")
                                                         or n == "__version__"))

    def test_every_public_name_has_a_stub(self):
        stubbed = {n.name for n in self.stub.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
        stubbed |= {t.id for n in self.stub.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target])}
        public = {n for n in dir(extension) if not n.startswith("_")} | {"__version__"}
        self.assertEqual(public - stubbed, set())

    def test_exception_bases_match(self):
        for node in self.stub.body:
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
                with self.subTest(name=node.name):
                    runtime = getattr(extension, node.name)
                    self.assertEqual([b.id for b in node.bases], [b.__name__ for b in runtime.__bases__])

    def test_method_signatures_match(self):
        classes = {n.name: n for n in self.stub.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")}
        checked = 0
        for class_name in ("StreamWriter", "CodecConfig"):
            for node in classes[class_name].body:
                if not isinstance(node, ast.FunctionDef) or node.name in ("__eq__", "__exit__") or any(
                        isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list):
                    continue
                with self.subTest(method=f"{class_name}.{node.name}"):
                    runtime = getattr(getattr(extension, class_name), node.name)
                    self.assertEqual(stub_parameters(node), runtime_parameters(runtime))
                    checked += 1
        functions = [n for n in self.stub.body if isinstance(n, ast.FunctionDef)]
        for node in functions:
            self.assertEqual(stub_parameters(node), runtime_parameters(getattr(extension, node.name)))
        self.assertGreater(checked, 10)


if __name__ == "__main__":
    unittest.main()

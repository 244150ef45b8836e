"""Runs torchaudio's own StreamWriter tests (test/torchaudio_unittest/io/stream_writer_test.py of the pytorch/audio
repository, 0.13 line) with torchaudio.io.StreamWriter as it is, or pointing at capstan.StreamWriter, and compares.

    run_suite.py run TEST_FILE --writer torchaudio|capstan --json OUT.json [-k SUBSTRING]
    run_suite.py compare TORCHAUDIO.json CAPSTAN.json

The test file is not part of this repository: pass its path (Scripts/torchaudio-tests.sh says where it comes from).
It is imported from where it is; this folder provides the `torchaudio_unittest.common_utils` it imports and a
`tinytag` stand-in. `compare` prints both outcomes per test and exits 1 when a test that passes on torchaudio does
not pass on capstan.
"""

import argparse
import collections
import importlib.util
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class RecordingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def addSuccess(self, test):
        super().addSuccess(test)
        self.outcomes[test.id()] = ("pass", "")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.outcomes[test.id()] = ("fail", self._exc_info_to_string(err, test)[-2000:])

    def addError(self, test, err):
        super().addError(test, err)
        self.outcomes[test.id()] = ("error", self._exc_info_to_string(err, test)[-2000:])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.outcomes[test.id()] = ("skip", reason)


def run(args) -> int:
    sys.path.insert(0, HERE)
    import torchaudio.io

    if args.writer == "capstan":
        import capstan

        # Both spellings the tests use: `from torchaudio.io import StreamWriter` and `torchaudio.io.StreamWriter`.
        torchaudio.io.StreamWriter = capstan.StreamWriter
    spec = importlib.util.spec_from_file_location("stream_writer_test", args.test_file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # parameterized_class adds the generated classes to it
    spec.loader.exec_module(module)
    # Say which class the tests really run, so a result can never be credited to the wrong writer.
    print(f"StreamWriter under test: {module.StreamWriter.__module__}.{module.StreamWriter.__qualname__} "
          f"({sys.modules[module.StreamWriter.__module__].__file__})")
    if args.writer == "capstan" and module.StreamWriter is not capstan.StreamWriter:
        raise SystemExit("the test file did not pick up capstan.StreamWriter")
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    if args.k:
        suite = unittest.TestSuite(t for t in _flatten(suite) if args.k in t.id())
    runner = unittest.TextTestRunner(resultclass=RecordingResult, verbosity=1, stream=sys.stderr)
    result = runner.run(suite)
    with open(args.json, "w") as f:
        json.dump({"writer": args.writer, "outcomes": result.outcomes}, f, indent=1, sort_keys=True)
    counts = collections.Counter(o for o, _ in result.outcomes.values())
    print(f"{args.writer}: {counts['pass']} passed, {counts['fail'] + counts['error']} failed, "
          f"{counts['skip']} skipped")
    return 0


def _flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _flatten(item)
        else:
            yield item


def compare(args) -> int:
    def load(path):
        with open(path) as f:
            return json.load(f)["outcomes"]

    reference, candidate = load(args.torchaudio), load(args.capstan)
    regressions = []
    table = collections.Counter()
    for test_id in sorted(set(reference) | set(candidate)):
        ours = candidate.get(test_id, ("missing", ""))[0]
        theirs = reference.get(test_id, ("missing", ""))[0]
        table[(theirs, ours)] += 1
        if theirs == "pass" and ours != "pass":
            regressions.append((test_id, candidate.get(test_id, ("missing", ""))))
        elif theirs != "pass" or ours != "pass":
            print(f"  torchaudio {theirs:5}  capstan {ours:5}  {test_id}")
    print("outcome on torchaudio -> on capstan: tests")
    for (theirs, ours), n in sorted(table.items()):
        print(f"  {theirs:5} -> {ours:5}: {n}")
    for test_id, (outcome, detail) in regressions:
        print(f"REGRESSION {test_id}: passes on torchaudio, {outcome} on capstan\n{detail}")
    both = sum(n for (theirs, ours), n in table.items() if theirs == ours == "pass")
    print(f"{both} passed, {len(regressions)} failed  (of the tests that pass on torchaudio)")
    return 1 if regressions else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("run")
    r.add_argument("test_file")
    r.add_argument("--writer", choices=["torchaudio", "capstan"], required=True)
    r.add_argument("--json", required=True)
    r.add_argument("-k", help="only tests whose id contains this")
    c = commands.add_parser("compare")
    c.add_argument("torchaudio")
    c.add_argument("capstan")
    args = parser.parse_args()
    return run(args) if args.command == "run" else compare(args)


if __name__ == "__main__":
    sys.exit(main())

"""The build backend behind `pip install .` (PEP 517), standard library only.

CMake builds the module and `cmake --install --component python` stages it (with any type stubs), so pip gets exactly
what the install rules install. Nothing is downloaded: with or without build isolation, pip needs no packages to run
this backend, and CMake finds Debian's pybind11 and the numpy of the environment being installed into.
"""

import base64
import hashlib
import io
import os
import pathlib
import re
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import tomllib
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _metadata():
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    # One version for everything: the CMake project's.
    version = re.search(r"project\(Capstan VERSION ([0-9.]+)", (ROOT / "CMakeLists.txt").read_text()).group(1)
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {version}",
        f"Summary: {project['description']}",
        f"License: {project['license']['text']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    lines += [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]
    lines += [f"Classifier: {c}" for c in project.get("classifiers", [])]
    return project["name"], version, "\n".join(lines) + "\n"


def _wheel_tag():
    # The module is built for this interpreter only (its ABI is in the extension's name too).
    python = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{python}-{python}{sys.abiflags}-{platform}"


def _run(command, env=None):
    print("capstan_backend:", " ".join(str(c) for c in command), file=sys.stderr, flush=True)
    subprocess.run([str(c) for c in command], check=True, env=env, stdout=sys.stderr)


def _stage_module(stage, config_settings):
    settings = config_settings or {}
    tag = _wheel_tag()
    build = pathlib.Path(settings.get("build-dir") or ROOT / "build" / f"pip-{tag}")
    # pip's build isolation hides the environment's site-packages from the interpreter it starts; CMake must see
    # them (numpy), because the module is built for the environment it is installed into.
    env = dict(os.environ)
    paths = env.get("PYTHONPATH", "").split(os.pathsep)
    if any("pip-build-env" in p for p in paths):
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if "pip-build-env" not in p)
        env.pop("PYTHONNOUSERSITE", None)
    _run(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
          "-DCAPSTAN_BUILD_TESTS=OFF", "-DCAPSTAN_BUILD_BENCHMARKS=OFF", "-DCAPSTAN_BUILD_PLUGINS=OFF",
          f"-DCAPSTAN_PYTHON_EXECUTABLE={sys.executable}", "-DCAPSTAN_INSTALL_PYTHONDIR=."], env)
    _run(["cmake", "--build", build, "--target", "capstan_python", "-j", str(os.cpu_count() or 1)], env)
    _run(["cmake", "--install", build, "--component", "python", "--prefix", stage], env)
    if not any(stage.rglob("*.so")):
        raise RuntimeError(f"the CMake build in {build} did not produce the capstan module (see the messages above)")


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version, metadata = _metadata()
    tag = _wheel_tag()
    wheel_name = f"{name}-{version}-{tag}.whl"
    dist_info = f"{name}-{version}.dist-info"
    with tempfile.TemporaryDirectory() as temp:
        stage = pathlib.Path(temp)
        _stage_module(stage, config_settings)
        records = []
        with zipfile.ZipFile(pathlib.Path(wheel_directory) / wheel_name, "w", zipfile.ZIP_DEFLATED) as wheel:
            for path in sorted(p for p in stage.rglob("*") if p.is_file()):
                relative = path.relative_to(stage).as_posix()
                data = path.read_bytes()
                info = zipfile.ZipInfo(relative)
                info.external_attr = (path.stat().st_mode & 0o777) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                wheel.writestr(info, data)
                records.append(_record_line(relative, data))
            wheel_file = f"Wheel-Version: 1.0\nGenerator: capstan_backend\nRoot-Is-Purelib: false\nTag: {tag}\n"
            for file_name, text in (("METADATA", metadata), ("WHEEL", wheel_file)):
                data = text.encode()
                wheel.writestr(f"{dist_info}/{file_name}", data)
                records.append(_record_line(f"{dist_info}/{file_name}", data))
            records.append(f"{dist_info}/RECORD,,")
            wheel.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    """The files git tracks, and PKG-INFO."""
    name, version, metadata = _metadata()
    base = f"{name}-{version}"
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], check=True, capture_output=True).stdout
    with tarfile.open(pathlib.Path(sdist_directory) / f"{base}.tar.gz", "w:gz") as sdist:
        for relative in filter(None, files.decode().split("\0")):
            if (ROOT / relative).is_file():
                sdist.add(ROOT / relative, f"{base}/{relative}")
        data = metadata.encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(data)
        sdist.addfile(info, io.BytesIO(data))
    return f"{base}.tar.gz"

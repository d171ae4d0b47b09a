"""Serving stored objects: streamed through the app (local files) or a short-lived presigned S3 link,
and page thumbnails cached on disk."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from PIL import Image

from storage.errors import ObjectNotFoundError
from storage.objects import CHUNK_SIZE, ObjectStore

# Short: a presigned link works without the session, so it must not outlive a viewing by long.
PRESIGNED_FOR = timedelta(minutes=5)
THUMB_WIDTH = 240


def content_disposition(file_name: str, inline: bool = False) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 name, since Vietnamese file names are the rule."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def _chunks(store: ObjectStore, key: str) -> Iterator[bytes]:
    with store.open_stream(key) as stream:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk


def object_response(
    store: ObjectStore, key: str, file_name: str, media_type: str, inline: bool = False
) -> Response:
    stat = store.stat(key)
    if stat is None:
        raise HTTPException(status_code=404, detail="file not found")
    url = store.presigned_url(
        key, PRESIGNED_FOR, content_disposition=content_disposition(file_name, inline), content_type=media_type
    )
    if url:
        return RedirectResponse(url, status_code=307)
    headers = {
        "Content-Disposition": content_disposition(file_name, inline),
        "Content-Length": str(stat.size),
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(_chunks(store, key), media_type=media_type, headers=headers)


def thumbnail_response(store: ObjectStore, key: str, cache_dir: Path) -> Response:
    """A small JPEG of a page image; object keys are content-addressed, so a cached thumbnail never goes stale."""
    name = hashlib.sha256(key.encode()).hexdigest()[:40] + ".jpg"
    path = cache_dir / name
    if not path.exists():
        try:
            data = store.get_bytes(key)
        except ObjectNotFoundError:
            raise HTTPException(status_code=404, detail="image not found") from None
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=75)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(buffer.getvalue())
        tmp.replace(path)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})

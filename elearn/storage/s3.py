"""Objects in an S3-compatible bucket (AWS S3, MinIO, Garage, Ceph...), through boto3.

boto3 is AWS's own client, the most used and best kept; it speaks to any S3-compatible
server given ``endpoint_url``. It is an optional extra (``pip install -e '.[s3]'``) because a
server that keeps media in a local folder does not need it. A range is asked of the server
with the HTTP Range header and the body is read in chunks, so a worker never holds a whole
video.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from elearn.storage import CHUNK


class S3Storage:
    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, stream: BinaryIO) -> None:
        self.client.upload_fileobj(stream, self.bucket, self._key(key))

    def open_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        if end <= start:
            return
        answer = self.client.get_object(
            Bucket=self.bucket, Key=self._key(key), Range=f"bytes={start}-{end - 1}"
        )
        body = answer["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def size(self, key: str) -> int:
        return self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

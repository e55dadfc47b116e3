"""The storage plane in server mode: parts up and down over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .storage_helpers import download, fastq_gz, upload


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with ThreadedServer() as server:
        config = Config(inject_host_prefix=False, retries={"total_max_attempts": 1})
        yield omics_client_for(endpoint_url=server.url, config=config)


def test_upload_and_download_over_http(client: Any) -> None:
    store = client.create_sequence_store(name="served")["id"]
    first, second = fastq_gz(60, 1), fastq_gz(60, 2)
    read_set = upload(client, store, {"SOURCE1": first, "SOURCE2": second}, part_size=700)
    assert download(client, store, read_set, "SOURCE1") == first
    answer = client.get_read_set(sequenceStoreId=store, id=read_set, partNumber=1, file="SOURCE2")
    headers = answer["ResponseMetadata"]["HTTPHeaders"]
    assert int(headers["content-length"]) == len(second)
    assert answer["payload"].read() == second

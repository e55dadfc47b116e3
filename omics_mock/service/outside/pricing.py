"""HealthOmics prices, answered as the AWS Price List API gives them (a narrow exception).

Tools that price runs (aws-healthomics-tools' run_analyzer) ask the Price List API
for service code ``AmazonOmics`` and stop when it cannot answer; moto has no
Price List backend. While a mock is active, omics-mock answers DescribeServices,
GetProducts and GetAttributeValues for ``AmazonOmics`` only, from
``settings.artifacts.prices`` (illustrative defaults, not AWS's prices), and refuses
every other service code. Nothing reaches the network.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

SERVICE_CODE = "AmazonOmics"
STATIC_STORAGE = "Run Storage"
DYNAMIC_STORAGE = "Dynamic Run Storage"
ATTRIBUTES = ("resourceType", "regionCode", "location", "usagetype")
_PER_VCPU_HOUR = {"c": 0.0574, "m": 0.0672, "r": 0.0882, "g4dn": 0.184, "g5": 0.2516}
_STORAGE = {STATIC_STORAGE: 0.000192, DYNAMIC_STORAGE: 0.000411}
_SIZES = {"large": 2, "xlarge": 4}


def default_price(resource_type: str) -> float | None:
    """USD per hour (instances) or per GiB-hour (storage); ``None`` for unknown types."""
    if resource_type in _STORAGE:
        return _STORAGE[resource_type]
    parts = resource_type.split(".")
    if len(parts) != 3 or parts[0] != "omics" or parts[1] not in _PER_VCPU_HOUR:
        return None
    size = parts[2]
    vcpus = _SIZES.get(size)
    if vcpus is None and size.endswith("xlarge") and size[: -len("xlarge")].isdigit():
        vcpus = 4 * int(size[: -len("xlarge")])
    return None if vcpus is None else round(vcpus * _PER_VCPU_HOUR[parts[1]], 6)


class PricingError(Exception):
    """A request the Price List API would refuse (or omics-mock does not answer)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def answer(operation: str, request: dict[str, Any], prices: dict[str, float]) -> dict[str, Any]:
    """The Price List API's output for ``operation``; ``PricingError`` otherwise."""
    code = request.get("ServiceCode")
    if code != SERVICE_CODE:
        raise PricingError(
            "InvalidParameterException",
            f"omics-mock answers the Price List API for {SERVICE_CODE} only, not {code!r}.",
        )
    if operation == "DescribeServices":
        service = {"ServiceCode": SERVICE_CODE, "AttributeNames": list(ATTRIBUTES)}
        return {"Services": [service], "FormatVersion": "aws_v1"}
    if operation == "GetProducts":
        found = [
            json.dumps(_product(kind, region, price))
            for kind, region, price in _catalogue(prices, request.get("Filters") or [])
        ]
        return {"FormatVersion": "aws_v1", "PriceList": found}
    if operation == "GetAttributeValues" and request.get("AttributeName") == "resourceType":
        kinds = sorted(set(prices) | set(_STORAGE))
        return {"AttributeValues": [{"Value": kind} for kind in kinds]}
    raise PricingError("InvalidParameterException", f"omics-mock does not answer {operation}.")


def _catalogue(prices: dict[str, float], filters: list[dict[str, Any]]) -> list[Any]:
    wanted = {f.get("Field"): f.get("Value") for f in filters if f.get("Type") == "TERM_MATCH"}
    kind, region = wanted.get("resourceType"), wanted.get("regionCode") or "us-east-1"
    if kind is None:
        return [(k, region, p) for k, p in sorted({**_STORAGE, **prices}.items())]
    price = prices.get(kind, default_price(kind))
    return [] if price is None else [(kind, region, price)]


def _product(kind: str, region: str, price: float) -> dict[str, Any]:
    sku = hashlib.sha256(f"{kind}/{region}".encode()).hexdigest()[:16].upper()
    storage = kind in _STORAGE
    term, dimension = f"{sku}.JRTCKXETXF", f"{sku}.JRTCKXETXF.6YS6EN2CT7"
    return {
        "product": {
            "productFamily": "Storage" if storage else "Compute",
            "attributes": {
                "resourceType": kind,
                "regionCode": region,
                "servicecode": SERVICE_CODE,
                "usagetype": f"{region}-{kind}",
            },
            "sku": sku,
        },
        "serviceCode": SERVICE_CODE,
        "terms": {
            "OnDemand": {
                term: {
                    "offerTermCode": "JRTCKXETXF",
                    "sku": sku,
                    "priceDimensions": {
                        dimension: {
                            "unit": "GiB-Hours" if storage else "Hrs",
                            "description": f"omics-mock illustrative price for {kind}",
                            "pricePerUnit": {"USD": f"{price:.10f}"},
                        }
                    },
                }
            }
        },
    }

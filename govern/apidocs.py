"""The API's own description: the OpenAPI 3 document spectree builds from every endpoint's
declaration (`GET /api/v1/openapi.json`), and a page that renders it (`/api/docs`, Redoc served
from static/vendor, no CDN)."""
from __future__ import annotations

import copy
import functools
import re

from flask import Blueprint, jsonify, make_response, render_template

from govern.apiutil import API_PREFIX, AREAS, api_blueprint, endpoint, spec

bp = api_blueprint("apidocs", __name__)
page_bp = Blueprint("apidocs_page", __name__)


# Version 1 of the document named each path's one id `{id}` (`/accounts/{id}/entries`); the routes
# name theirs after what they find (`account_id`). The document keeps the names integrators know.
_ROUTE_ID = re.compile(r"\{(?!entry_id\})([a-z_]+_id)\}")


def _published_path(path: str, operations: dict) -> str:
    for name in _ROUTE_ID.findall(path):
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name") == name:
                    parameter["name"] = "id"
    return _ROUTE_ID.sub("{id}", path.removeprefix(API_PREFIX)) or "/"


@functools.cache
def _document() -> dict:
    """The document with paths relative to the one server, `/api/v1`, as integrators read it."""
    built = copy.deepcopy(spec.spec)
    built["paths"] = {_published_path(path, operations): operations for path, operations in built["paths"].items()}
    built["servers"] = [{"url": API_PREFIX}]
    built["tags"] = sorted(built.get("tags", []), key=lambda tag: list(AREAS.values()).index(tag["name"]))
    for operations in built["paths"].values():
        for operation in operations.values():
            if not operation.get("description"):
                operation.pop("description", None)
    return built


def document() -> dict:
    return _document()


@bp.get("/openapi.json", endpoint="document")
@endpoint(public=True, answer=(None, "This OpenAPI 3 document"))
def openapi_json():
    """This document"""
    return jsonify(document())


# Redoc styles its page with generated <style> elements: this page alone allows inline styles.
REFERENCE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
                 "worker-src 'self' blob:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


@page_bp.get("/api/docs")
def reference():
    """The API reference, rendered from the document in the browser (Redoc)."""
    response = make_response(render_template("apidocs/reference.html"))
    response.headers["Content-Security-Policy"] = REFERENCE_CSP
    return response

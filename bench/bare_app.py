"""The reference for the HTTP figure: a bare Flask JSON endpoint, the same shape of request
and answer as casting a ballot, served by the same gunicorn settings."""
from __future__ import annotations

import secrets

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.put("/api/v1/proposals/<int:proposal_id>/ballot")
def ballot(proposal_id: int):
    body = request.get_json()
    return jsonify({"proposal_id": proposal_id, "choice": body["choice"], "receipt": secrets.token_hex(16)})

"""gunicorn's settings for Conductor (`gunicorn wsgi:app` in this folder reads them; `make run` uses
them). Each can be changed by the environment variable named beside it; govern/serving.py says why
they are what they are."""
import os

from govern.serving import client_timeout, rate_limit_storage, refuse_unshared_throttle

bind = os.environ.get("GOVERN_BIND", "127.0.0.1:5000")
# One worker by default: the login throttle's default storage (memory://) is per process. More
# workers need GOVERN_RATELIMIT_STORAGE_URL=redis://… (gunicorn refuses to start otherwise).
workers = int(os.environ.get("GOVERN_WORKERS", "1"))
worker_class = "govern.serving.ThreadWorker"  # gunicorn's gthread, with a time limit on client sockets
threads = int(os.environ.get("GOVERN_THREADS", "16"))
timeout = 60             # a worker whose main loop is stuck this long is restarted
graceful_timeout = 30    # requests in flight get this long to finish on restart or shutdown
keepalive = 5            # an idle kept-alive connection is closed after this many seconds
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Only a proxy on this machine may say which client and scheme a request came from (the app itself
# believes X-Forwarded-* only with GOVERN_TRUSTED_PROXIES).
forwarded_allow_ips = "127.0.0.1,::1"
control_socket_disable = True  # gunicorn's runtime control socket: not used, and its default path is per user, not per site


def on_starting(server):
    refuse_unshared_throttle(server.cfg.workers, rate_limit_storage())
    server.log.info("client sockets time out after %s s; %s worker(s) × %s threads",
                    client_timeout(), server.cfg.workers, server.cfg.threads)

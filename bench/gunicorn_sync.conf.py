"""gunicorn settings for the HTTP benchmark: 2 sync workers, as DESIGN.md's reference figures were
measured (the repository's gunicorn.conf.py serves with threads and refuses several workers that do
not share the login throttle, which the benchmark does not exercise)."""
worker_class = "sync"
workers = 2
control_socket_disable = True

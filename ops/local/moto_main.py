"""Entry point of the embedded AWS process: moto's application on a socket the parent bound.

Run as ``python -m ops.local.moto_main FD``. moto runs in its own process so that its state
is independent of any in-process ``mock_aws`` (tests) and so that it does not compete with
the gateway for one interpreter lock.

The WSGI server is waitress, not werkzeug's development server that ``moto_server`` uses:
werkzeug answers every request with ``Connection: close``, so each AWS call paid a new TCP
connection on both sides and a new server thread (measured: one connection per request, about
130 a second in the e2e bench). waitress keeps connections alive and serves them from a fixed
pool of threads, as the real endpoints do for the SDK's pooled connections.
"""

from __future__ import annotations

import socket
import sys
import threading

# Requests served at once. moto's DynamoDB runs one action at a time anyway (moto_speedups);
# the others (S3, CloudWatch, Logs, Cognito) may overlap.
THREADS = 8
# Open connections accepted: every Lambda worker and the gateway keep a pool of them.
CONNECTION_LIMIT = 1000


def main(argv: list[str]) -> None:
    """Serve moto on the listening socket whose file descriptor is ``argv[0]``."""
    fd = int(argv[0])
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from waitress.server import create_server

    from ops.local import moto_alarms, moto_speedups
    from ops.local.faults import board_from_env
    from ops.local.gc_freezer import SurvivorFreezer

    moto_speedups.apply()
    moto_alarms.apply()
    app = moto_alarms.with_faults(DomainDispatcherApplication(create_backend_app), board_from_env())
    listening = socket.socket(fileno=fd)
    server = create_server(
        app,
        sockets=[listening],
        threads=THREADS,
        connection_limit=CONNECTION_LIMIT,
        ident="moto",
        expose_tracebacks=False,
    )

    def watch_parent() -> None:
        # stdin is a pipe from the parent: end of file means the parent is gone (even if it
        # was killed), and the server must not outlive it.
        sys.stdin.buffer.read()
        server.close()

    threading.Thread(target=watch_parent, daemon=True).start()
    SurvivorFreezer().start()  # short collector pauses (see ops.local.gc_freezer)
    try:
        server.run()
    except KeyboardInterrupt:  # the parent's Ctrl-C reaches the whole process group
        pass
    finally:
        server.close()


if __name__ == "__main__":
    main(sys.argv[1:])

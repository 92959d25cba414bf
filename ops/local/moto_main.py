"""Entry point of the embedded AWS process: moto's server on a socket the parent bound.

Run as ``python -m ops.local.moto_main FD``. moto runs in its own process so that its state
is independent of any in-process ``mock_aws`` (tests) and so that it does not compete with
the gateway for one interpreter lock.
"""

from __future__ import annotations

import logging
import sys
import threading


def main(argv: list[str]) -> None:
    """Serve moto on the listening socket whose file descriptor is ``argv[0]``."""
    fd = int(argv[0])
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from ops.local import moto_speedups
    from ops.local.gc_freezer import SurvivorFreezer

    moto_speedups.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler, fd=fd)

    def watch_parent() -> None:
        # stdin is a pipe from the parent: end of file means the parent is gone (even if it
        # was killed), and the server must not outlive it.
        sys.stdin.buffer.read()
        server.shutdown()

    threading.Thread(target=watch_parent, daemon=True).start()
    SurvivorFreezer().start()  # short collector pauses (see ops.local.gc_freezer)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # the parent's Ctrl-C reaches the whole process group
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/python3
"""A local SMTP server for test/worker_py.sh (Debian: python3-aiosmtpd).

Listens on 127.0.0.1 (a free port, written to --port-file once listening) and
stores every message it accepts as DIR/msg-NNNNN.eml.  Recipients whose
address starts with "reject" are refused with 550.  Two one-shot controls,
files the test writes into DIR:

  hang-after   N: once N messages are stored, the next one is stored too but
               never acknowledged (the client waits for its 250 forever);
               DIR/hung is created when that happens
  hold-after   N: once N messages are stored, the next one waits until
               DIR/release exists, then is stored and acknowledged;
               DIR/held is created while it waits

Runs until SIGTERM.
"""
import argparse
import asyncio
import os
import signal
import socket
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.dir = directory
        self.count = 0
        self.lock = threading.Lock()

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _control(self, name):
        """N from DIR/name when N messages are stored (then the file is consumed)."""
        try:
            with open(self._path(name)) as f:
                n = int(f.read().strip())
        except (OSError, ValueError):
            return False
        if self.count >= n:
            os.unlink(self._path(name))
            return True
        return False

    def _store(self, envelope):
        with self.lock:
            self.count += 1
            name = "msg-%05d.eml" % self.count
        tmp = self._path("." + name)
        with open(tmp, "wb") as f:
            f.write(envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode())
        os.rename(tmp, self._path(name))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self._control("hang-after"):
            self._store(envelope)
            open(self._path("hung"), "w").close()
            await asyncio.Event().wait()            # never acknowledged
        if self._control("hold-after"):
            open(self._path("held"), "w").close()
            while not os.path.exists(self._path("release")):
                await asyncio.sleep(0.05)
            os.unlink(self._path("release"))
            os.unlink(self._path("held"))
        self._store(envelope)
        return "250 Message accepted for delivery"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(args.dir), hostname="127.0.0.1", port=port)
    controller.start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(args.port_file + ".tmp", args.port_file)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    while not done.wait(1):
        pass
    controller.stop()


if __name__ == "__main__":
    main()

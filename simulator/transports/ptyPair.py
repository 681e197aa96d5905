#!/usr/bin/env python3
"""A linked pair of pseudo-terminals, like `socat PTY,raw PTY,raw`, from the standard library.

Bytes written to one slave are read from the other. Prints one JSON line on stdout:
{"a": "/dev/pts/N", "b": "/dev/pts/M", "pid": P}. Control lines on stdin:
  "hangup a" / "hangup b"  close that side's master: whoever has that slave open sees the
                           line hang up (a cable pulled); the pair is then broken for good.
Exits when stdin reaches end of file (the parent went away), so it never outlives its owner.
"""
import errno
import json
import os
import select
import sys
import termios
import tty


def open_side():
    master, slave = os.openpty()
    tty.setraw(slave, termios.TCSANOW)
    os.set_blocking(master, False)
    return master, slave, os.ttyname(slave)


def main():
    sides = {}
    for name in ("a", "b"):
        sides[name] = open_side()
    print(json.dumps({"a": sides["a"][2], "b": sides["b"][2], "pid": os.getpid()}), flush=True)
    peer = {"a": "b", "b": "a"}
    masters = {sides[n][0]: n for n in sides}
    stdin = sys.stdin.fileno()
    while True:
        readable, _, _ = select.select([stdin] + list(masters.keys()), [], [])
        for fd in readable:
            if fd == stdin:
                line = os.read(stdin, 256)
                if not line:
                    return
                words = line.decode("ascii", "replace").split()
                if len(words) == 2 and words[0] == "hangup" and words[1] in sides:
                    master = sides[words[1]][0]
                    if master in masters:
                        del masters[master]
                        os.close(master)
                        # Also release our own slave so the other end sees the hang-up.
                        os.close(sides[words[1]][1])
                continue
            name = masters.get(fd)
            if name is None:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError as error:
                if error.errno == errno.EIO:
                    continue
                raise
            if not data:
                continue
            target = sides[peer[name]][0]
            if target not in masters:
                continue
            try:
                os.write(target, data)
            except OSError as error:
                # Nobody drains the other side: drop the bytes, as a UART overrun would.
                if error.errno not in (errno.EAGAIN, errno.EIO):
                    raise


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass

#!/usr/bin/env python3
"""Drive a guest's console like a person at the keyboard.

  scripts/console-drive.py --log FILE --timeout SEC --prompt TEXT \\
      [--prompt TEXT]... [--send LINE]... [--until REGEX] -- COMMAND...

Runs COMMAND (a QEMU launch), copies its console to FILE, and each time the
console shows the prompt (since the last line typed) types the next LINE
(with a carriage return). With several --prompt, LINE number k waits for
prompt number k (the last one for the lines beyond). Exit status 0 iff
every LINE was typed and COMMAND ended within SEC seconds with status 0.
With --until, COMMAND is a machine that may never end by itself: once
every LINE is typed and a console line matches REGEX, it is stopped, and
that counts as ending with status 0.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=float, required=True)
    ap.add_argument("--prompt", action="append", required=True)
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--until")
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()

    prompts = [p.encode() for p in a.prompt]
    lines = list(a.send)
    typed = 0
    p = subprocess.Popen(a.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    until = re.compile(a.until.encode(), re.M) if a.until else None
    seen, everything, deadline = b"", b"", time.monotonic() + a.timeout
    with open(a.log, "wb") as log:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([p.stdout], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            log.write(chunk)
            log.flush()
            seen += chunk
            everything += chunk
            if until and not lines and until.search(everything.replace(b"\r", b"")):
                p.kill()
                p.wait()
                return 0
            if lines and prompts[min(typed, len(prompts) - 1)] in seen:
                p.stdin.write(lines.pop(0).encode() + b"\r")
                p.stdin.flush()
                typed += 1
                seen = b""
    try:
        p.wait(timeout=max(deadline - time.monotonic(), 1))
    except subprocess.TimeoutExpired:
        p.kill()
        print(f"console-drive: timed out after {a.timeout:.0f} s", file=sys.stderr)
        return 1
    if lines:
        print(f"console-drive: never typed: {lines}", file=sys.stderr)
        return 1
    if p.returncode != 0:
        print(f"console-drive: the command exited with {p.returncode}", file=sys.stderr)
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())

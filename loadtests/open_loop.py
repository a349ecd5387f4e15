#!/usr/bin/env python3
"""Open-loop load at a fixed rate: request i is due at start + i/rate whatever happened to the
others, and its latency is counted from when it was due, so a slow server shows up as latency
instead of as a lower rate (no coordinated omission).

  open_loop.py URL BODIES_FILE --rate 500 --duration 30 [--bearer TOKEN] [--connections 64]
               [--drain 10]

BODIES_FILE holds one JSON request body per line; requests cycle through them. Prints one JSON
line: sent, ok, errors, achieved rate, p50/p90/p99/max latency in milliseconds. Requests still
unanswered --drain seconds after the last one was due are counted as unanswered and rank above
every answered one in the percentiles (null when a percentile falls among them), so a saturated
server ends the run in bounded time and still shows as slow.
"""
import argparse
import asyncio
import json
import time
import urllib.parse


async def worker(host, port, queue, headers, latencies, errors):
    reader = writer = None
    while True:
        item = await queue.get()
        if item is None:
            break
        due, body = item
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(headers + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            if b" 200 " not in status_line:
                errors.append(status_line.decode().strip())
            else:
                latencies.append(time.monotonic() - due)
        except (OSError, asyncio.IncompleteReadError) as error:
            errors.append(str(error))
            writer = None


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("bodies")
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--bearer", default="")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--drain", type=float, default=10)
    args = parser.parse_args()

    url = urllib.parse.urlparse(args.url)
    bodies = [line.strip().encode() for line in open(args.bodies) if line.strip()]
    headers = (f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
               "Content-Type: application/json\r\nConnection: keep-alive\r\n")
    if args.bearer:
        headers += f"Authorization: Bearer {args.bearer}\r\n"
    headers = (headers + "Content-Length: ").encode()

    queue = asyncio.Queue()
    latencies, errors = [], []
    workers = [asyncio.create_task(worker(url.hostname, url.port, queue, headers, latencies,
                                          errors)) for _ in range(args.connections)]
    total = int(args.rate * args.duration)
    start = time.monotonic()
    for i in range(total):
        due = start + i / args.rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, bodies[i % len(bodies)]))
    for _ in workers:
        queue.put_nowait(None)
    sending_took = time.monotonic() - start
    _, pending = await asyncio.wait(workers, timeout=args.drain)
    for task in pending:
        task.cancel()

    unanswered = total - len(latencies) - len(errors)
    ranked = sorted(latencies) + [float("inf")] * unanswered
    def pct(p):
        if not ranked:
            return None
        value = ranked[min(len(ranked) - 1, int(p * len(ranked)))]
        return None if value == float("inf") else round(value * 1000, 2)
    print(json.dumps({"sent": total, "ok": len(latencies), "errors": len(errors),
                      "unanswered": unanswered,
                      "first_error": errors[0] if errors else None,
                      "rate": round(total / sending_took, 1), "p50_ms": pct(0.50),
                      "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0)}))


asyncio.run(main())

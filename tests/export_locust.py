"""A headless Locust run of an exported locustfile against a tiny HTTP server on
127.0.0.1 that counts requests per second; compares the observed rate curve with
the exported shape (tests/export.sh).

The shape's rate for second k is its stage's rate, as the users Locust runs
(round(rate / USER_RATE) users of USER_RATE requests per second). The observed
curve starts at the first request. Prints the relative error, sum |observed -
shape| / sum shape over the seconds of the shape, and of the total; fails above
the tolerances below.

usage: export_locust.py LOCUSTFILE WORKDIR
"""
import ast
import http.server
import math
import os
import re
import subprocess
import sys
import threading
import time

PER_SECOND_TOLERANCE = 0.15
TOTAL_TOLERANCE = 0.05


class Server(http.server.ThreadingHTTPServer):
    # Locust opens a connection per user at once: the default backlog of 5
    # drops SYNs and adds seconds of retransmission to the curve.
    request_queue_size = 1024
    daemon_threads = True


class Counter(http.server.BaseHTTPRequestHandler):
    arrivals = []
    lock = threading.Lock()

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with Counter.lock:
            Counter.arrivals.append(time.monotonic())
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


def stages(locustfile):
    """(end_s, rate) pairs, read from the file without importing locust."""
    text = open(locustfile).read()
    body = re.search(r"^STAGES = (\[.*?^\])", text, re.S | re.M).group(1)
    return ast.literal_eval(body)


def rate_per_second(pairs):
    """The exported rate in each whole second of the shape."""
    return [next(rate for end_s, rate in pairs if k < end_s) for k in range(math.ceil(pairs[-1][0]))]


def main(locustfile, workdir):
    os.makedirs(workdir, exist_ok=True)
    server = Server(("127.0.0.1", 0), Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    locust = os.path.join(os.path.dirname(sys.executable), "locust")
    rates = rate_per_second(stages(locustfile))
    expected = [round(rate) for rate in rates]  # whole users of USER_RATE = 1 request/s
    started = time.monotonic()
    result = subprocess.run(
        [locust, "-f", locustfile, "--headless", "--host", f"http://127.0.0.1:{port}",
         "-t", f"{len(expected) + 15}s", "--only-summary", "--stop-timeout", "1"],
        capture_output=True, text=True, timeout=len(expected) + 60,
    )
    wall_s = time.monotonic() - started
    server.shutdown()
    with open(os.path.join(workdir, "locust.log"), "w") as log:
        log.write(result.stdout + result.stderr)
    if not Counter.arrivals:
        sys.exit(f"Locust sent no request (exit {result.returncode}); see {workdir}/locust.log")
    first = Counter.arrivals[0]
    observed = [0] * len(expected)
    for at in Counter.arrivals:
        # Users fire on the second from the first request: centre the buckets on that beat.
        k = int(at - first + 0.5)
        if k < len(observed):
            observed[k] += 1
    with open(os.path.join(workdir, "curve.csv"), "w") as out:
        out.write("second,shape_per_s,observed_per_s\n")
        for k, (want, got) in enumerate(zip(expected, observed)):
            out.write(f"{k},{want:g},{got}\n")
    per_second = sum(abs(g - w) for g, w in zip(observed, expected)) / sum(expected)
    total = abs(sum(observed) - sum(expected)) / sum(expected)
    # Against the exported (fractional) rates: what rounding to whole users costs.
    to_rates = sum(abs(g - r) for g, r in zip(observed, rates)) / sum(rates)
    print(
        f"Locust shape error: {per_second:.1%} per second (sum |observed - shape| / sum shape over "
        f"{len(expected)} s), {total:.1%} in total ({sum(observed)} requests observed, "
        f"{sum(expected):g} in the shape; Locust ran {wall_s:.0f} s; curve in {workdir}/curve.csv); "
        f"{to_rates:.1%} per second against the exported rates before rounding to whole users"
    )
    if per_second > PER_SECOND_TOLERANCE or total > TOTAL_TOLERANCE:
        sys.exit(
            f"Locust strayed from the shape beyond {PER_SECOND_TOLERANCE:.0%} per second "
            f"or {TOTAL_TOLERANCE:.0%} in total"
        )
    print("ok  Locust follows the exported shape")


if __name__ == "__main__":
    main(*sys.argv[1:3])

#!/usr/bin/env python3
"""Posts one audit webhook body many times, from several threads at once (standard library only).

    webhook_flood.py URL BODY_FILE REQUESTS THREADS [TOKEN]

Prints one JSON object: how many requests got each HTTP status ({"200": 41, "503": 159}), and "errors"
for requests that got no answer at all (connection refused or reset)."""
import json
import sys
import threading
import urllib.error
import urllib.request


def main():
    url, body_file, requests, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    token = sys.argv[5] if len(sys.argv) > 5 else None
    with open(body_file, "rb") as f:
        body = f.read()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    counts = {}
    lock = threading.Lock()
    remaining = [requests]

    def worker():
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=20) as response:
                    response.read()
                    status = str(response.status)
            except urllib.error.HTTPError as error:
                error.read()
                status = str(error.code)
            except OSError:
                status = "errors"
            with lock:
                counts[status] = counts.get(status, 0) + 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
